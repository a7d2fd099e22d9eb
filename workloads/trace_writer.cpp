#include "workloads/trace_writer.h"

#include <charconv>
#include <string>
#include <vector>

#include "workloads/csv_trace_reader.h"
#include "workloads/trace_format.h"

namespace likesim {
namespace {

namespace tf = trace_format;
constexpr std::size_t kFlushAt = 1 << 18;

void check_order(const Request& r, std::int64_t last_ns, std::uint64_t n) {
  if (r.intended.count() < last_ns || r.intended.count() < 0 ||
      static_cast<std::uint64_t>(r.intended.count()) >= tf::kMaxTimeNs) {
    throw TraceError("request " + std::to_string(n + 1) +
                     ": time out of order (a trace is written in time order)");
  }
}

class CsvTraceWriter final : public TraceWriter {
 public:
  explicit CsvTraceWriter(std::ostream& out) : out_(out) {
    buffer_.append(tf::kCsvHeader).push_back('\n');
  }
  void write(const Request& r) override {
    check_order(r, last_ns_, written_);
    last_ns_ = r.intended.count();
    CsvTraceReader::format_time_us(r.intended.count(), buffer_);
    buffer_ += ',';
    buffer_ += op_name(r.op);
    buffer_ += ',';
    append(r.post);
    buffer_ += ',';
    append(r.user);
    buffer_ += ',';
    append(r.id);
    buffer_ += ',';
    if (r.op == Op::batch_count) append(r.batch);
    buffer_ += r.retry ? ",1\n" : ",0\n";
    ++written_;
    if (buffer_.size() >= kFlushAt) flush();
  }
  void finish() override {
    flush();
    out_.flush();
  }

 private:
  void append(std::uint64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    buffer_.append(buf, r.ptr);
  }
  void flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }
  std::ostream& out_;
  std::string buffer_;
  std::int64_t last_ns_ = 0;
};

class BinaryTraceWriter final : public TraceWriter {
 public:
  explicit BinaryTraceWriter(std::ostream& out) : out_(out), buffer_(kFlushAt + 64) {
    out_.write(tf::kBinaryMagic, sizeof tf::kBinaryMagic);
    const std::uint32_t v = tf::kBinaryTraceVersion;
    const char version[4] = {static_cast<char>(v), static_cast<char>(v >> 8),
                             static_cast<char>(v >> 16), static_cast<char>(v >> 24)};
    out_.write(version, sizeof version);
  }
  void write(const Request& r) override {
    check_order(r, last_ns_, written_);
    std::uint8_t* p = buffer_.data() + used_;
    *p++ =
        static_cast<std::uint8_t>(static_cast<std::uint8_t>(r.op) | (r.retry ? tf::kRetryFlag : 0));
    p = tf::put_varint(p, static_cast<std::uint64_t>(r.intended.count() - last_ns_));
    p = tf::put_varint(p, r.post);
    p = tf::put_varint(p, r.user);
    p = tf::put_varint(p, tf::zigzag(static_cast<std::int64_t>(r.id - (last_id_ + 1))));
    if (r.op == Op::batch_count) *p++ = r.batch;
    used_ = static_cast<std::size_t>(p - buffer_.data());
    last_ns_ = r.intended.count();
    last_id_ = r.id;
    ++written_;
    if (used_ >= kFlushAt) flush();
  }
  void finish() override {
    std::uint8_t* p = buffer_.data() + used_;
    *p++ = tf::kTrailerTag;
    p = tf::put_varint(p, written_);
    for (char c : tf::kTrailerMagic) *p++ = static_cast<std::uint8_t>(c);
    used_ = static_cast<std::size_t>(p - buffer_.data());
    flush();
    out_.flush();
  }

 private:
  void flush() {
    out_.write(reinterpret_cast<const char*>(buffer_.data()), static_cast<std::streamsize>(used_));
    used_ = 0;
  }
  std::ostream& out_;
  std::vector<std::uint8_t> buffer_;
  std::size_t used_ = 0;
  std::int64_t last_ns_ = 0;
  std::uint64_t last_id_ = 0;
};

}  // namespace

std::unique_ptr<TraceWriter> make_trace_writer(std::ostream& out, TraceFormat format) {
  if (format == TraceFormat::binary) return std::make_unique<BinaryTraceWriter>(out);
  return std::make_unique<CsvTraceWriter>(out);
}

}  // namespace likesim
