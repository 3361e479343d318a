#pragma once
// One job's catalog records as bytes: the backup job writes them as the last
// tape file of the job (TapeFileKind::catalog_copy), and `catalog rebuild`
// reads them back from tape into an empty or partial catalog. The format is
// a versioned, line-oriented text format documented in docs/catalog.md:
//
//   tapegate-job-catalog<TAB>1
//   <record><TAB><field>... (percent-encoded fields)
//   end<TAB><record count><TAB><sha256 of every byte before this line>
//
// import rejects anything that does not parse or whose checksum does not
// match, before touching the catalog, with an error naming the line.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/catalog/catalog.hpp"

namespace tg::firmware::catalog {

inline constexpr std::string_view kJobCatalogMagic = "tapegate-job-catalog";
inline constexpr int kJobCatalogVersion = 1;

// The parsed content, ids as in the exporting catalog.
struct JobCatalogCartridge {
  std::string barcode;
  std::uint32_t sequence = 0;
  std::string format_version;
  std::uint32_t block_size = 0;
  std::int64_t label_time = 0;
};

struct JobCatalogDoc {
  Job job;
  std::optional<Pool> pool;            // the pool the job wrote to
  std::optional<MediaSet> media_set;
  std::vector<JobCatalogCartridge> cartridges;
  std::vector<TapeFile> tape_files;    // their `job` is the exported job
  std::vector<BackupFile> files;
  std::vector<Piece> pieces;           // committed pieces only
};

// Collects the job's records (committed pieces only). Errc::not_found if no
// such job. The catalog-copy tape file itself is not in it (it is being
// written); rebuild records it when it reads it.
Result<JobCatalogDoc> collect_job_catalog(Catalog& cat, std::int64_t job);
std::string encode_job_catalog(const JobCatalogDoc& doc);
Result<std::string> export_job_catalog(Catalog& cat, std::int64_t job);

// Parses and validates (syntax, checksum, references between records, no
// piece outside its file). Errc::parse_error with the line number on garbage.
Result<JobCatalogDoc> decode_job_catalog(std::string_view bytes);

struct ImportResult {
  std::int64_t job = 0;                // local id of the job
  bool already_present = false;        // the job's uuid was already in the catalog
  std::uint64_t files = 0, pieces = 0;
};

// Decodes, then inserts everything in one transaction: pool and media set if
// missing, cartridges (labelled, in the set), job, tape files, files, pieces
// (committed). A job whose uuid is already present is left as it is.
// A conflicting record (cartridge labelled into another media set, tape file
// number already used differently) rejects the whole import.
// `source` says where the document came from; the imported job's summary
// says so ("rebuilt from the catalog copy on tape" for a copy; a document
// built from a header scan keeps the summary its builder wrote).
enum class ImportSource : std::uint8_t { catalog_copy, header_scan };
Result<ImportResult> import_job_catalog(Catalog& cat, std::string_view bytes,
                                        ImportSource source = ImportSource::catalog_copy);
// The same for a document built in memory (catalog rebuild from scanned
// data tape files): it is encoded and decoded first, so it passes exactly
// the validation a copy read from tape passes.
Result<ImportResult> import_job_catalog_doc(Catalog& cat, const JobCatalogDoc& doc);

}  // namespace tg::firmware::catalog
