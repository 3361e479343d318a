#pragma once
// Each part registers its commands into the one table. Adding a part's
// commands is one call here and one commands_xxx.cpp file.
#include "firmware/console/command_table.hpp"

namespace tg::firmware::console {

Status register_system_commands(CommandTable& t);   // help, version, config show, log, discover
Status register_library_commands(CommandTable& t);  // inventory, status, load, unload, move, import, export, reset
Status register_drive_commands(CommandTable& t);    // drive ..., clean, selftest
Status register_job_commands(CommandTable& t);      // job ...
Status register_media_commands(CommandTable& t);    // pool create|list, label, inventory --read-labels, catalog list
Status register_backup_commands(CommandTable& t);   // backup
Status register_restore_commands(CommandTable& t);
Status register_metrics_commands(CommandTable& t);  // metrics (Prometheus text)
Status register_user_commands(CommandTable& t);     // user add|list|remove|passwd
Status register_sim_commands(CommandTable& t);      // sim insert|remove (simulated boards)  // restore, verify, catalog rebuild, dump

// Everything this build has.
Result<CommandTable> make_command_table();

}  // namespace tg::firmware::console
