// The job catalog copy: export, import into another catalog, garbage.
#include "catalog_fixture.hpp"
#include "firmware/catalog/job_catalog_io.hpp"

using namespace tg::firmware::catalog;
using namespace tg::firmware::catalog::testing;
using tg::Errc;

namespace {

// A finished-looking job on two cartridges with a spanned file, a file with
// tabs/newlines/percent in its name, and an uncommitted piece that must not
// be exported.
struct ExportedJob : CatalogFixture {
  MediaSet ms;
  Job job;
  std::string weird = "dir with\ttab/new\nline 100%.bin";
  ExportedJob() {
    REQUIRE(cat->create_pool({.name = "weekly", .retention_days = 28}).ok());
    ms = TG_REQUIRE_OK(cat->start_media_set("weekly"));
    TG_REQUIRE_STATUS(cat->record_label({.barcode = "W1", .pool = "weekly", .media_set = ms.id, .sequence = 1,
                                         .label_time = 5, .format_version = "TAPEGATE-1", .block_size = 262144}));
    TG_REQUIRE_STATUS(cat->record_label({.barcode = "W2", .pool = "weekly", .media_set = ms.id, .sequence = 2,
                                         .label_time = 6, .format_version = "TAPEGATE-1", .block_size = 262144}));
    job = TG_REQUIRE_OK(cat->start_job({.name = "weekly-full", .repository = "/srv/pbs", .pool = "weekly",
                                        .media_set = ms.id}));
    auto t1 = TG_REQUIRE_OK(cat->open_tape_file({.cartridge = "W1", .file_number = 1, .first_block = 2,
                                                 .job = job.id}));
    auto a = TG_REQUIRE_OK(cat->add_backup_file({.job = job.id, .repository = "/srv/pbs", .path = weird,
                                                 .group = "vm/100", .size = 5000, .mtime = 77,
                                                 .sha256 = hex64('1')}));
    (void)TG_REQUIRE_OK(cat->record_piece({.backup_file = a.id, .tape_file = t1.id, .length = 3000,
                                           .first_block = 0, .end_block = 12, .header_offset = 0}));
    TG_REQUIRE_STATUS(cat->commit_pieces_through(t1.id, 12));
    TG_REQUIRE_STATUS(cat->close_tape_file(t1.id, 12));
    auto t2 = TG_REQUIRE_OK(cat->open_tape_file({.cartridge = "W2", .file_number = 1, .first_block = 2,
                                                 .job = job.id}));
    (void)TG_REQUIRE_OK(cat->record_piece({.backup_file = a.id, .tape_file = t2.id, .offset = 3000,
                                           .length = 2000, .first_block = 0, .end_block = 9,
                                           .header_offset = 0, .volume_index = 1}));
    auto b = TG_REQUIRE_OK(cat->add_backup_file({.job = job.id, .repository = "/srv/pbs", .path = "b", .size = 1,
                                                 .mtime = 1, .sha256 = hex64('2')}));
    (void)TG_REQUIRE_OK(cat->record_piece({.backup_file = b.id, .tape_file = t2.id, .length = 1,
                                           .first_block = 9, .end_block = 10, .header_offset = 9 * 512}));
    TG_REQUIRE_STATUS(cat->commit_pieces_through(t2.id, 10));
    TG_REQUIRE_STATUS(cat->close_tape_file(t2.id, 10));
    auto c = TG_REQUIRE_OK(cat->add_backup_file({.job = job.id, .repository = "/srv/pbs", .path = "never-durable",
                                                 .size = 1, .sha256 = hex64('3')}));
    auto t3 = TG_REQUIRE_OK(cat->open_tape_file({.cartridge = "W2", .file_number = 2, .first_block = 13,
                                                 .job = job.id}));
    (void)TG_REQUIRE_OK(cat->record_piece({.backup_file = c.id, .tape_file = t3.id, .length = 1, .end_block = 1}));
    TG_REQUIRE_STATUS(cat->close_tape_file(t3.id, 0));
  }
};

}  // namespace

TEST_CASE("job catalog: export then import into an empty catalog reproduces the job") {
  ExportedJob src;
  auto bytes = TG_REQUIRE_OK(export_job_catalog(*src.cat, src.job.id));
  CHECK(bytes.rfind("tapegate-job-catalog\t1\n", 0) == 0);
  CHECK(bytes.find("never-durable") == std::string::npos);
  CHECK(bytes.find("%09") != std::string::npos);  // the tab in the name is escaped

  CatalogFixture dst;
  auto r = TG_REQUIRE_OK(import_job_catalog(*dst.cat, bytes));
  CHECK_FALSE(r.already_present);
  CHECK(r.files == 2);
  CHECK(r.pieces == 3);
  auto job = TG_REQUIRE_OK(dst.cat->job(r.job));
  CHECK(job.uuid == src.job.uuid);
  CHECK(job.name == "weekly-full");
  CHECK(job.state == JobState::done);
  CHECK_THAT(job.summary, Catch::Contains("rebuilt"));
  CHECK(TG_REQUIRE_OK(dst.cat->pool("weekly")).retention_days == 28);
  auto w2 = TG_REQUIRE_OK(dst.cat->cartridge("W2"));
  CHECK(w2.media_set == std::optional<std::string>(src.ms.id));
  CHECK(w2.sequence == 2);
  CHECK(w2.block_size == 262144);
  CHECK(w2.state == CartridgeState::appendable);
  CHECK(w2.last_file_number == std::optional<std::uint32_t>(2));
  CHECK(w2.bytes_written == (10 + 0) * 262144ull);  // its tape files' blocks
  // The job went on to W2, so W1 is full: a later job must not append there.
  auto w1 = TG_REQUIRE_OK(dst.cat->cartridge("W1"));
  CHECK(w1.state == CartridgeState::full);
  CHECK(w1.bytes_written == 12 * 262144ull);

  auto files = TG_REQUIRE_OK(dst.cat->files_of_job(r.job));
  REQUIRE(files.size() == 2);
  CHECK(files[0].path == src.weird);
  CHECK(files[0].group == "vm/100");
  CHECK(files[0].on_tape);
  auto locs = TG_REQUIRE_OK(dst.cat->pieces_of(files[0].id));
  REQUIRE(locs.size() == 2);
  CHECK(locs[0].cartridge == "W1");
  CHECK(locs[1].cartridge == "W2");
  CHECK(locs[1].piece.volume_index == 1);
  CHECK(locs[1].piece.offset == 3000);
  // The rebuilt catalog answers "what is on tape" like the original.
  CHECK(TG_REQUIRE_OK(dst.cat->files_on_tape("/srv/pbs")).size() == 2);

  // Importing the same copy again changes nothing.
  auto again = TG_REQUIRE_OK(import_job_catalog(*dst.cat, bytes));
  CHECK(again.already_present);
  CHECK(again.job == r.job);
  CHECK(TG_REQUIRE_OK(dst.cat->list_jobs()).size() == 1);
}

TEST_CASE("job catalog: zero padding after the text (a tape block) is accepted") {
  ExportedJob src;
  auto bytes = TG_REQUIRE_OK(export_job_catalog(*src.cat, src.job.id));
  bytes.resize(bytes.size() + 4000, '\0');
  CHECK(decode_job_catalog(bytes).ok());
}

TEST_CASE("job catalog: garbage and damage are rejected before touching the catalog") {
  ExportedJob src;
  auto good = TG_REQUIRE_OK(export_job_catalog(*src.cat, src.job.id));
  CatalogFixture dst;
  auto reject = [&](const std::string& bytes, const char* expect) {
    auto r = import_job_catalog(*dst.cat, bytes);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains(expect));
    CHECK(TG_REQUIRE_OK(dst.cat->list_jobs()).empty());
    CHECK(TG_REQUIRE_OK(dst.cat->list_pools()).empty());
  };
  reject("", "empty");
  reject(std::string(600, '\xff'), "not terminated");
  reject("GNU tar data\n", "not a Tapegate job catalog");
  reject(good.substr(0, good.size() / 2), "line");
  reject(good.substr(0, good.rfind("end\t")), "truncated");
  std::string flipped = good;
  flipped[flipped.find("weekly-full")] = 'W';
  reject(flipped, "checksum mismatch");
  reject(good + "job\textra\n", "after the 'end' line");
  std::string v2 = good;
  v2.replace(v2.find("\t1\n"), 3, "\t2\n");
  auto r = import_job_catalog(*dst.cat, v2);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::unsupported);
  std::string padded_junk = good + std::string(10, '\0') + "x";
  reject(padded_junk, "after the zero padding");
}

TEST_CASE("job catalog: structurally wrong but well-checksummed copies are rejected") {
  // Build documents by hand so the checksum is right and only the content wrong.
  ExportedJob src;
  auto doc = TG_REQUIRE_OK(collect_job_catalog(*src.cat, src.job.id));
  auto expect_bad = [&](JobCatalogDoc d, const char* what) {
    auto r = decode_job_catalog(encode_job_catalog(d));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::parse_error);
    CHECK_THAT(r.error().message, Catch::Contains(what));
  };
  {
    auto d = doc;
    d.pieces[1].offset = 2999;
    expect_bad(d, "not contiguous");
  }
  {
    auto d = doc;
    d.pieces[0].tape_file = 424242;
    expect_bad(d, "unlisted tape file");
  }
  {
    auto d = doc;
    d.pieces[0].length = 999999;
    expect_bad(d, "outside its file");
  }
  {
    auto d = doc;
    d.tape_files[0].cartridge = "ZZ";
    expect_bad(d, "unlisted cartridge");
  }
  {
    auto d = doc;
    d.files[0].sha256 = "nothex";
    expect_bad(d, "sha256");
  }
  {
    auto d = doc;
    d.pieces[0].end_block = 100;  // past the 12 blocks of the closed tape file
    expect_bad(d, "past the end");
  }
  {
    auto d = doc;
    d.media_set->id = "other";
    expect_bad(d, "media set");
  }
}

TEST_CASE("job catalog: a conflicting cartridge rejects the whole import") {
  ExportedJob src;
  auto bytes = TG_REQUIRE_OK(export_job_catalog(*src.cat, src.job.id));
  CatalogFixture dst;
  TG_REQUIRE_STATUS(dst.cat->create_pool({.name = "weekly"}));
  auto other = TG_REQUIRE_OK(dst.cat->start_media_set("weekly"));
  TG_REQUIRE_STATUS(dst.cat->record_label({.barcode = "W2", .pool = "weekly", .media_set = other.id,
                                           .sequence = 1}));
  auto r = import_job_catalog(*dst.cat, bytes);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("relabelled"));
  CHECK(TG_REQUIRE_OK(dst.cat->list_jobs()).empty());
  CHECK_FALSE(TG_REQUIRE_OK(dst.cat->find_cartridge("W1")).has_value());  // rolled back
}

TEST_CASE("job catalog: export of an unknown job") {
  CatalogFixture f;
  CHECK(export_job_catalog(*f.cat, 12345).error().code == Errc::not_found);
}

TEST_CASE("job catalog: a document built in memory is validated like a copy from tape") {
  ExportedJob src;
  auto doc = TG_REQUIRE_OK(collect_job_catalog(*src.cat, src.job.id));
  CatalogFixture dst;
  auto bad = doc;
  bad.pieces[0].tape_file = 999;
  CHECK(import_job_catalog_doc(*dst.cat, bad).error().code == Errc::parse_error);
  auto r = TG_REQUIRE_OK(import_job_catalog_doc(*dst.cat, doc));
  CHECK(r.files == 2);
  CHECK(TG_REQUIRE_OK(dst.cat->files_on_tape("/srv/pbs")).size() == 2);
}
