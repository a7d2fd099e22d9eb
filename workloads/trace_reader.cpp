#include "workloads/trace_reader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "workloads/binary_trace_reader.h"
#include "workloads/cascade_trace_reader.h"
#include "workloads/csv_trace_reader.h"
#include "workloads/trace_format.h"

namespace likesim {

TraceReader::~TraceReader() = default;

std::string_view trace_format_name(TraceFormat format) {
  switch (format) {
    case TraceFormat::csv:
      return "csv";
    case TraceFormat::binary:
      return "binary";
    case TraceFormat::cascade:
      return "cascade";
  }
  return "?";
}

std::unique_ptr<TraceReader> open_trace(std::unique_ptr<std::istream> in, std::string name,
                                        TraceFormat format, const CascadeOptions& cascade) {
  switch (format) {
    case TraceFormat::binary:
      return std::make_unique<BinaryTraceReader>(std::move(in), std::move(name));
    case TraceFormat::cascade:
      return std::make_unique<CascadeTraceReader>(std::move(in), std::move(name), cascade);
    case TraceFormat::csv:
      break;
  }
  return std::make_unique<CsvTraceReader>(std::move(in), std::move(name));
}

namespace {

std::unique_ptr<std::ifstream> open_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw TraceError(path + ": cannot open: it is a directory");
  }
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) throw TraceError(path + ": cannot open: " + std::strerror(errno));
  return in;
}

}  // namespace

TraceFormat detect_trace_format(const std::string& path, const std::string& format) {
  if (format == "csv") return TraceFormat::csv;
  if (format == "binary") return TraceFormat::binary;
  if (format == "cascade") return TraceFormat::cascade;
  if (format != "auto") {
    throw TraceError("unknown trace format '" + format + "' (auto, csv, binary or cascade)");
  }
  auto in = open_file(path);
  char head[256] = {};
  in->read(head, sizeof head);
  const std::string_view bytes(head, static_cast<std::size_t>(in->gcount()));
  if (bytes.substr(0, sizeof trace_format::kBinaryMagic) ==
      std::string_view(trace_format::kBinaryMagic, sizeof trace_format::kBinaryMagic)) {
    return TraceFormat::binary;
  }
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".bin") return TraceFormat::binary;  // the reader names what is wrong with it
  std::string_view first = bytes.substr(0, bytes.find('\n'));
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  return CascadeTraceReader::is_cascade_header(first) ? TraceFormat::cascade : TraceFormat::csv;
}

std::unique_ptr<TraceReader> open_trace_file(const std::string& path, const std::string& format,
                                             const CascadeOptions& cascade) {
  const TraceFormat f = detect_trace_format(path, format);
  return open_trace(open_file(path), path, f, cascade);
}

}  // namespace likesim
