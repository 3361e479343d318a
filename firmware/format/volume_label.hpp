#pragma once
// The volume label: tape file 0 of every Tapegate cartridge. It is a small
// POSIX (ustar/pax) tar archive with one regular member, TAPEGATE.LABEL,
// whose content is `key=value` lines, so `tar -tvf` lists it and any tar
// extracts it on a machine without Tapegate. Written as one tape block
// (encoded size is a multiple of 512 and at most kMaxLabelBytes).
//
// Reading block 0 of a cartridge has three answers, and the caller must tell
// them apart because they lead to different actions:
//   blank   - the drive answered BLANK CHECK / end of data at block 0
//             (the caller knows that, not the bytes): free to label
//   ours    - a TAPEGATE.LABEL member that decodes: pool, media set, sequence
//   foreign - anything else (another product's data, a tar archive of other
//             files, garbage): never overwritten without force
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hal/result.hpp"

namespace tg::firmware::format {

inline constexpr const char* kLabelMemberName = "TAPEGATE.LABEL";
inline constexpr std::size_t kMaxLabelBytes = 16 * 1024;

struct VolumeLabel {
  std::string barcode;
  std::string pool;
  std::string media_set;          // media set id; "" = in the pool, not in a set yet
  std::uint32_t sequence = 0;     // 1-based position in the media set; 0 with no set
  std::string format;             // firmware::tape_format_name() of the firmware that labelled it, "TAPEGATE-2"
  std::int64_t label_time = 0;    // UNIX seconds
  std::uint32_t block_size = 0;   // tape block size of the data files (0 = variable)
  std::string host;               // appliance / host id that wrote it
};

// Encodes as a tar archive: ustar header, content padded to 512, two zero
// records (2048 bytes for any realistic label). invalid_argument if a field
// would not round-trip (control characters, an empty barcode or pool), or
// when media_set and sequence disagree: a cartridge labelled into a pool but
// not yet into a media set has media_set "" and sequence 0.
Result<std::vector<std::uint8_t>> encode_volume_label(const VolumeLabel& label);

// Decodes block 0. Errc::foreign_medium with a message saying what was found
// ("not a tar header", "tar member 'x' is not TAPEGATE.LABEL", ...) for
// anything that is not our label; Errc::unsupported for a Tapegate label of a
// format version this firmware cannot read.
Result<VolumeLabel> decode_volume_label(std::span<const std::uint8_t> block0);

enum class MediumContent : std::uint8_t { blank, ours, foreign };
const char* medium_content_name(MediumContent c);

struct MediumClassification {
  MediumContent content = MediumContent::foreign;
  std::optional<VolumeLabel> label;   // set when ours
  std::string reason;                 // why foreign (operator language)
};

// blank_at_block0: the drive reported BLANK CHECK (end of data) reading
// block 0; then `block0` is ignored.
MediumClassification classify_medium(bool blank_at_block0, std::span<const std::uint8_t> block0);

}  // namespace tg::firmware::format
