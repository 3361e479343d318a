#pragma once
// The drivers' behaviour against a real target, as a reusable suite: each
// check takes a fresh LibraryFixture and asserts with Catch2. The
// simulator runs it in tests/drivers/sim_library_test.cpp; the iSCSI
// integration tests run it against tgt by adding library_suite.cpp to
// their sources and calling the same functions with their own fixture.
#include "drivers/library_fixture.hpp"

namespace tg::test {

// Identity of changer and drives; element map vs inventory; barcodes in
// their slots; drives matched to their changer elements by DVCID serial.
void check_identity_and_inventory(LibraryFixture& fx);
// MOVE MEDIUM slot -> drive, wait_ready, medium_info, unload, back to the slot.
void check_load_unload(LibraryFixture& fx);
// Variable blocks and filemarks written, read back byte for byte; end of data.
void check_write_read_filemarks(LibraryFixture& fx);
// SPACE blocks/filemarks/end of data, LOCATE, position().
void check_space_locate_position(LibraryFixture& fx);
// ILI: a block shorter than the buffer, and one longer (truncated).
void check_ili_reads(LibraryFixture& fx);
// Write until early warning (then, on targets with a zone, until VOLUME
// OVERFLOW); every block reported written reads back.
void check_early_warning_then_overflow(LibraryFixture& fx);
// Injected medium error on read; injected unit attention absorbed by wait_ready.
void check_injected_faults(LibraryFixture& fx);
// MOVE MEDIUM errors name the elements; full/empty mapped to Errc.
void check_move_errors(LibraryFixture& fx);
// Operator inserts a cartridge, import moves it to a slot; export moves it
// back to a mail slot where the operator takes it.
void check_mailslots(LibraryFixture& fx);
// TapeAlert, MAM, block limits, block size and compression: supported or cleanly unsupported.
void check_drive_queries(LibraryFixture& fx);

}  // namespace tg::test
