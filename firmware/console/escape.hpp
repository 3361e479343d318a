#pragma once
// The one escaping rule of console output (docs/console.md, "Names that are
// not plain text"). File names come from repositories and tapes: they may
// hold ESC, CR, LF or bytes that are not UTF-8, and must neither drive the
// operator's terminal, forge a table row nor make a JSON listing unparsable.
//   text: control characters (C0, DEL, C1) and bytes that are not part of a
//         valid UTF-8 sequence show as \xNN (two lowercase hex digits);
//         everything else, backslash included, is as given.
//   JSON: always valid UTF-8. A byte that is not part of a valid UTF-8
//         sequence becomes the four characters \xNN in the decoded string,
//         and a backslash of the original becomes two backslashes, so the
//         original bytes come back unambiguously: in the decoded string a
//         doubled backslash is one backslash and \xNN is byte NN. Control characters use JSON's
//         own escapes (\n, \u001b) and decode to themselves.
#include <string>
#include <string_view>

namespace tg::firmware::console {

// Operator text with control characters and invalid UTF-8 as \xNN.
std::string terminal_text(std::string_view s);

// A JSON string literal, quotes included, by the rule above.
std::string json_quote(std::string_view s);

// Length of the valid UTF-8 sequence starting at s[i], or 0 if s[i] does
// not start one (overlong forms, surrogates and code points above U+10FFFF
// are invalid).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

}  // namespace tg::firmware::console
