#include "tools/cli/fsma_csv.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tadori::cli::fsma {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr size_t kFileBufferBytes = 1 << 20;

Status Failed(std::string_view what, const std::string& path, int err) {
  return Status::Internal(std::string(what) + " " + path + ": " + std::strerror(err));
}

}  // namespace

void AppendCsvField(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

Result<std::unique_ptr<CsvWriter>> CsvWriter::Open(const std::string& directory) {
  if (::mkdir(directory.c_str(), 0755) != 0 && errno != EEXIST) {
    return Failed("creating the directory", directory, errno);
  }
  struct stat st {};
  if (::stat(directory.c_str(), &st) != 0) return Failed("reading", directory, errno);
  if (!S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument(directory +
                                   " is not a directory (csv writes one file per "
                                   "sheet into a directory)");
  }
  std::unique_ptr<CsvWriter> writer(new CsvWriter(directory));
  for (const SheetLayout& sheet : Sheets()) {
    const std::string path = directory + "/" + std::string(sheet.name) + ".csv";
    const std::string temp = path + ".tmp";
    std::FILE* file = std::fopen(temp.c_str(), "wbe");
    if (file == nullptr) return Failed("creating", temp, errno);
    std::setvbuf(file, nullptr, _IOFBF, kFileBufferBytes);
    writer->files_.push_back(file);
    writer->temps_.push_back(temp);
    writer->paths_.push_back(path);
    std::string header(kUtf8Bom);
    for (size_t i = 0; i < sheet.columns.size(); ++i) {
      if (i > 0) header += ',';
      AppendCsvField(header, sheet.columns[i].heading);
    }
    header += "\r\n";
    if (std::fwrite(header.data(), 1, header.size(), file) != header.size()) {
      return Failed("writing", temp, errno);
    }
  }
  return writer;
}

CsvWriter::~CsvWriter() {
  // Not closed (a failure on the way): drop the temporaries, keep what was there before.
  for (size_t i = 0; i < files_.size(); ++i) {
    if (files_[i] == nullptr) continue;
    std::fclose(files_[i]);
    ::unlink(temps_[i].c_str());
  }
}

Status CsvWriter::Row(size_t sheet, std::span<const Cell> cells) {
  line_.clear();
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line_ += ',';
    AppendCsvField(line_, cells[i].text);
  }
  line_ += "\r\n";
  if (std::fwrite(line_.data(), 1, line_.size(), files_[sheet]) != line_.size()) {
    return Failed("writing", temps_[sheet], errno);
  }
  return Status::Ok();
}

Status CsvWriter::Close() {
  for (size_t i = 0; i < files_.size(); ++i) {
    std::FILE* file = files_[i];
    const bool written = std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
    const int err = errno;
    files_[i] = nullptr;
    if (std::fclose(file) != 0 || !written) {
      for (size_t k = 0; k <= i; ++k) ::unlink(temps_[k].c_str());
      return Failed("writing", temps_[i], written ? errno : err);
    }
  }
  for (size_t i = 0; i < temps_.size(); ++i) {
    if (::rename(temps_[i].c_str(), paths_[i].c_str()) != 0) {
      return Failed("renaming to", paths_[i], errno);
    }
  }
  return Status::Ok();
}

}  // namespace tadori::cli::fsma
