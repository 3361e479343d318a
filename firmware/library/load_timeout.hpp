#pragma once
// How long a drive may take to become ready after a cartridge is moved in.
// One answer for console loads and jobs alike.
#include <chrono>
#include <optional>
#include <string_view>

namespace tg::firmware::library {

// The LTO generation a barcode's media suffix names: "L1".."L9" -> 1..9,
// "LA" -> 10, "M8" (LTO-7 Type M) -> 7; nullopt when it names none.
std::optional<int> lto_generation_of(std::string_view barcode);

// Load-to-ready: an LTO-8 manual recommends 14 minutes for load/unload
// (field lessons), so 15; but an LTO-9 or later cartridge's first load runs a
// media optimisation of 40-120 minutes (Proxmox docs, LTFS PR 335), so 2 hours
// for those, and for cartridges whose generation the barcode does not tell.
std::chrono::minutes load_timeout(std::string_view barcode);

}  // namespace tg::firmware::library
