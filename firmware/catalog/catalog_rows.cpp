#include "firmware/catalog/catalog_rows.hpp"

#include <cstdio>
#include <random>

namespace tg::firmware::catalog::rows {

Result<Savepoint> Savepoint::begin(Database& db) {
  if (db.in_transaction()) {
    TG_CHECK(db.exec("SAVEPOINT tg_sp"));
    return Savepoint(&db, false);
  }
  TG_CHECK(db.exec("BEGIN IMMEDIATE"));
  return Savepoint(&db, true);
}

Savepoint::~Savepoint() {
  if (db_) (void)db_->exec(outer_ ? "ROLLBACK" : "ROLLBACK TO tg_sp; RELEASE tg_sp");
}

Status Savepoint::release() {
  Database* db = db_;
  db_ = nullptr;
  auto st = db->exec(outer_ ? "COMMIT" : "RELEASE tg_sp");
  if (!st) {
    (void)db->exec(outer_ ? "ROLLBACK" : "ROLLBACK TO tg_sp; RELEASE tg_sp");
    return st;
  }
  return {};
}

Pool read_pool(const Statement& s, int c) {
  return Pool{.name = s.text(c),
              .retention_days = s.u32(c + 1),
              .policy = parse_allocation_policy(s.text(c + 2)).value_or(AllocationPolicy::continue_set),
              .created = s.i64(c + 3)};
}

MediaSet read_media_set(const Statement& s, int c) {
  return MediaSet{.id = s.text(c), .pool = s.text(c + 1), .created = s.i64(c + 2), .closed = s.opt_i64(c + 3)};
}

Cartridge read_cartridge(const Statement& s, int c) {
  Cartridge r;
  r.barcode = s.text(c);
  r.state = parse_cartridge_state(s.text(c + 1)).value_or(CartridgeState::unknown);
  r.pool = s.opt_text(c + 2);
  r.media_set = s.opt_text(c + 3);
  r.sequence = s.u32(c + 4);
  r.label_time = s.opt_i64(c + 5);
  r.format_version = s.text(c + 6);
  r.block_size = s.u32(c + 7);
  r.bytes_written = s.u64(c + 8);
  if (auto f = s.opt_i64(c + 9)) r.last_file_number = static_cast<std::uint32_t>(*f);
  r.last_written = s.opt_i64(c + 10);
  r.last_verified = s.opt_i64(c + 11);
  r.last_verify_result = s.text(c + 12);
  r.worm = s.i64(c + 13) != 0;
  r.note = s.text(c + 14);
  return r;
}

Job read_job(const Statement& s, int c) {
  Job j;
  j.id = s.i64(c);
  j.uuid = s.text(c + 1);
  j.name = s.text(c + 2);
  j.kind = parse_job_kind(s.text(c + 3)).value_or(JobKind::backup);
  j.repository = s.text(c + 4);
  j.pool = s.opt_text(c + 5);
  j.media_set = s.opt_text(c + 6);
  j.started = s.i64(c + 7);
  j.ended = s.opt_i64(c + 8);
  j.state = parse_job_state(s.text(c + 9)).value_or(JobState::failed);
  j.bytes = s.u64(c + 10);
  j.files = s.u64(c + 11);
  j.summary = s.text(c + 12);
  return j;
}

TapeFile read_tape_file(const Statement& s, int c) {
  TapeFile t;
  t.id = s.i64(c);
  t.cartridge = s.text(c + 1);
  t.file_number = s.u32(c + 2);
  t.first_block = s.u64(c + 3);
  t.block_count = s.u64(c + 4);
  t.kind = parse_tape_file_kind(s.text(c + 5)).value_or(TapeFileKind::data);
  t.job = s.opt_i64(c + 6);
  t.state = parse_tape_file_state(s.text(c + 7)).value_or(TapeFileState::incomplete);
  return t;
}

BackupFile read_backup_file(const Statement& s, int c) {
  BackupFile b;
  b.id = s.i64(c);
  b.job = s.i64(c + 1);
  b.repository = s.text(c + 2);
  b.path = s.text(c + 3);
  b.group = s.text(c + 4);
  b.kind = parse_backup_kind(s.text(c + 5)).value_or(BackupKind::full);
  b.size = s.u64(c + 6);
  b.mtime = s.i64(c + 7);
  b.sha256 = s.text(c + 8);
  b.on_tape = s.i64(c + 9) != 0;
  return b;
}

Piece read_piece(const Statement& s, int c) {
  Piece p;
  p.id = s.i64(c);
  p.backup_file = s.i64(c + 1);
  p.tape_file = s.i64(c + 2);
  p.offset = s.u64(c + 3);
  p.length = s.u64(c + 4);
  p.first_block = s.u64(c + 5);
  p.end_block = s.u64(c + 6);
  p.header_offset = s.u64(c + 7);
  p.volume_index = s.u32(c + 8);
  p.committed = s.i64(c + 9) != 0;
  return p;
}

std::string new_uuid() {
  std::random_device rd;  // getrandom(2) on Linux
  std::uint8_t b[16];
  for (int i = 0; i < 16; i += 4) {
    std::uint32_t v = rd();
    for (int k = 0; k < 4; ++k) b[i + k] = static_cast<std::uint8_t>(v >> (8 * k));
  }
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4 (RFC 4122 4.4)
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // variant 10
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

bool is_valid_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char ch : s) {
    bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
              ch == '.' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_valid_barcode(const std::string& s) {
  if (s.empty() || s.size() > 32) return false;
  for (char ch : s)
    if (ch <= ' ' || ch > '~') return false;
  return true;
}

bool is_sha256_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char ch : s)
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  return true;
}

}  // namespace tg::firmware::catalog::rows
