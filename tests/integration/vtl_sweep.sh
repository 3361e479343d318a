#!/usr/bin/env bash
# Stops, by pid, every tgtd a test process of this suite left running in
# WORK (a crash or a ctest timeout skips the fixture's destructor), then
# removes the directories. Never touches a tgtd outside WORK.
set -u
VTL=$1 WORK=$2
[ -d "$WORK" ] || exit 0
status=0
for dir in "$WORK"/*/; do
  dir=${dir%/}
  [ -f "$dir/env" ] || { rm -rf "$dir"; continue; }
  if [ -f "$dir/tgtd.pid" ]; then
    "$VTL" down "$dir" || status=1
  fi
  [ "$status" -ne 0 ] || rm -rf "$dir"
done
exit $status
