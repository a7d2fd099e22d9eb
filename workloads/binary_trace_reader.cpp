#include "workloads/binary_trace_reader.h"

#include <cstring>
#include <limits>

#include "workloads/trace_format.h"

namespace likesim {
namespace {

namespace tf = trace_format;
constexpr std::size_t kBuffer = 1 << 18;

enum class Varint { ok, need_more, too_long };

// A LEB128 varint of at most `max_bytes` bytes whose value is at most `max_value`.
inline Varint get_varint(const std::uint8_t*& p, const std::uint8_t* end, int max_bytes,
                         std::uint64_t& v) {
  if (p < end && *p < 0x80) {  // the common one-byte case
    v = *p++;
    return Varint::ok;
  }
  std::uint64_t value = 0;
  const std::uint8_t* q = p;
  for (int i = 0; i < max_bytes; ++i) {
    if (q == end) return Varint::need_more;
    const std::uint8_t b = *q++;
    value |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if (b < 0x80) {
      // The last of ten bytes carries only the 64th bit.
      if (i == 9 && b > 1) return Varint::too_long;
      v = value;
      p = q;
      return Varint::ok;
    }
  }
  return Varint::too_long;
}

}  // namespace

BinaryTraceReader::BinaryTraceReader(std::unique_ptr<std::istream> in, std::string name)
    : in_(std::move(in)), name_(std::move(name)), buffer_(kBuffer) {}

void BinaryTraceReader::fail(std::string_view what) const {
  throw TraceError(name_ + ": " + std::string(what));
}

bool BinaryTraceReader::fill() {
  if (eof_ || !in_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  in_->read(reinterpret_cast<char*>(buffer_.data() + end_),
            static_cast<std::streamsize>(buffer_.size() - end_));
  const std::size_t got = static_cast<std::size_t>(in_->gcount());
  end_ += got;
  if (in_->bad()) fail("read error");
  if (got == 0 || !*in_) eof_ = true;
  return got > 0;
}

void BinaryTraceReader::read_header() {
  started_ = true;
  while (end_ - begin_ < tf::kBinaryHeaderBytes && fill()) {
  }
  const std::uint8_t* p = buffer_.data() + begin_;
  const std::size_t have = end_ - begin_;
  if (have < sizeof tf::kBinaryMagic || std::memcmp(p, tf::kBinaryMagic, sizeof tf::kBinaryMagic)) {
    fail("not a likesim binary trace (bad magic; expected \"LIKETRCE\")");
  }
  if (have < tf::kBinaryHeaderBytes) fail("truncated in the header");
  const std::uint32_t version = static_cast<std::uint32_t>(p[8]) | (std::uint32_t{p[9]} << 8) |
                                (std::uint32_t{p[10]} << 16) | (std::uint32_t{p[11]} << 24);
  if (version != tf::kBinaryTraceVersion) {
    fail("binary trace version " + std::to_string(version) + "; this likesim reads version " +
         std::to_string(tf::kBinaryTraceVersion));
  }
  begin_ += tf::kBinaryHeaderBytes;
}

BinaryTraceReader::Decode BinaryTraceReader::decode(const std::uint8_t*& p, const std::uint8_t* end,
                                                    Request& out) {
  const auto record = [&] { return "record " + std::to_string(records_ + 1); };
  if (p == end) return Decode::need_more;
  const std::uint8_t tag = *p++;
  if (tag == tf::kTrailerTag) return Decode::trailer;
  if (tag & ~(tf::kOpMask | tf::kRetryFlag)) {
    fail(record() + ": bad op/flags byte " + std::to_string(tag));
  }
  const unsigned op = tag & tf::kOpMask;
  if (op >= static_cast<unsigned>(kOpCount)) fail(record() + ": unknown op " + std::to_string(op));
  std::uint64_t delta = 0, post = 0, user = 0, id = 0;
  const auto get = [&](const char* field, int max_bytes, std::uint64_t& v) {
    const Varint r = get_varint(p, end, max_bytes, v);
    if (r == Varint::too_long) {
      fail(record() + ": " + field + ": varint longer than " + std::to_string(max_bytes) +
           " bytes");
    }
    return r == Varint::ok;
  };
  if (!get("time", 10, delta) || !get("post", 5, post) || !get("user", 5, user) ||
      !get("request_id", 10, id)) {
    return Decode::need_more;
  }
  constexpr std::uint64_t kMax32 = std::numeric_limits<std::uint32_t>::max();
  if (post > kMax32) fail(record() + ": post " + std::to_string(post) + " is beyond 2^32-1");
  if (user > kMax32) fail(record() + ": user " + std::to_string(user) + " is beyond 2^32-1");
  if (delta >= tf::kMaxTimeNs - last_ns_) fail(record() + ": time beyond 2^62 ns");
  std::uint8_t batch = 0;
  if (static_cast<Op>(op) == Op::batch_count) {
    if (p == end) return Decode::need_more;
    batch = *p++;
    if (batch < 1 || batch > kMaxBatchPosts) {
      fail(record() + ": batch " + std::to_string(batch) + " is not in 1.." +
           std::to_string(kMaxBatchPosts));
    }
    if (post + batch - 1 > kMax32) fail(record() + ": the page goes past post 2^32-1");
  }
  last_ns_ += delta;
  last_id_ = last_id_ + 1 + static_cast<std::uint64_t>(tf::unzigzag(id));
  out.intended = Time(static_cast<std::int64_t>(last_ns_));
  out.id = last_id_;
  out.post = static_cast<PostId>(post);
  out.user = static_cast<UserId>(user);
  out.op = static_cast<Op>(op);
  out.batch = batch;
  out.retry = (tag & tf::kRetryFlag) != 0;
  ++records_;
  return Decode::ok;
}

void BinaryTraceReader::check_trailer() {
  // After the tag: the count and the magic, then nothing.
  while (end_ - begin_ < 10 + sizeof tf::kTrailerMagic && fill()) {
  }
  const std::uint8_t* p = buffer_.data() + begin_;
  const std::uint8_t* end = buffer_.data() + end_;
  std::uint64_t count = 0;
  const Varint r = get_varint(p, end, 10, count);
  if (r == Varint::too_long) fail("trailer: record count: varint longer than 10 bytes");
  if (r == Varint::need_more || end - p < static_cast<std::ptrdiff_t>(sizeof tf::kTrailerMagic)) {
    fail("truncated in the trailer (after record " + std::to_string(records_) + ")");
  }
  if (std::memcmp(p, tf::kTrailerMagic, sizeof tf::kTrailerMagic)) fail("trailer: bad end mark");
  p += sizeof tf::kTrailerMagic;
  if (count != records_) {
    fail("the trailer says " + std::to_string(count) + " records, the file holds " +
         std::to_string(records_));
  }
  begin_ = static_cast<std::size_t>(p - buffer_.data());
  if (begin_ < end_ || fill()) fail("bytes after the trailer");
}

bool BinaryTraceReader::next(Request& out) {
  if (done_) return false;
  if (!started_) read_header();
  for (;;) {
    const std::uint8_t* p = buffer_.data() + begin_;
    const Decode d = decode(p, buffer_.data() + end_, out);
    if (d == Decode::ok) {
      begin_ = static_cast<std::size_t>(p - buffer_.data());
      return true;
    }
    if (d == Decode::trailer) {
      begin_ = static_cast<std::size_t>(p - buffer_.data());
      check_trailer();
      done_ = true;
      return false;
    }
    if (!fill()) fail("truncated at record " + std::to_string(records_ + 1));
  }
}

}  // namespace likesim
