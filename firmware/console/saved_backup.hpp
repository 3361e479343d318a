#pragma once
// The engine for saved jobs of kind "backup" (job create NAME --source REPO
// --pool P [--schedule S]): main puts it in Appliance::runners so that
// 'job run' and the scheduler run the same backup as the 'backup' command.
#include "firmware/console/appliance.hpp"

namespace tg::firmware::console {

Result<service::JobBody> saved_backup_runner(const service::SavedJob& def, Appliance& app);

}  // namespace tg::firmware::console
