#include "engine/backends/real/postgres_client.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <optional>
#include <utility>  // before Asio (STYLE.md §7)

#include "engine/backends/real/backend_error.h"
#include "engine/backends/real/postgres_conn_params.h"
#include "engine/backends/real/postgres_statements.h"

namespace likesim::real {
namespace {

using Clock = std::chrono::steady_clock;
using boost::asio::posix::stream_descriptor;

constexpr std::chrono::milliseconds kMinBackoff{50};
constexpr std::chrono::milliseconds kMaxBackoff{1000};

void ignore_notice(void*, const char*) {}

// How a server error ends a statement.
ReplyStatus status_of_sqlstate(const char* state) {
  if (state == nullptr) return ReplyStatus::error;
  const std::string_view s(state);
  if (s == "57014" || s == "55P03") return ReplyStatus::timeout;  // statement/lock timeout
  if (s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03") {
    return ReplyStatus::unavailable;  // the server is going away: the transaction is lost
  }
  return ReplyStatus::error;
}

}  // namespace

struct PostgresClient::Impl {
  struct Item {
    enum Kind : std::uint8_t { setup, statement, sync };
    Kind kind;
    bool guard = false;
    std::uint32_t index = 0;  // statement: into call->statements
  };

  struct Conn {
    explicit Conn(boost::asio::io_context& io) : sock(io) {}
    enum class State : std::uint8_t { down, connecting, idle, busy };

    PGconn* pg = nullptr;
    stream_descriptor sock;
    State state = State::down;
    bool prepared = false;
    bool reading = false;  // an async_wait is outstanding
    bool writing = false;
    std::uint64_t gen = 0;  // bumped when the socket changes: stale handlers compare it
    // busy: the call's deadline; connecting: the connect deadline; down: the next attempt.
    Clock::time_point deadline = Clock::time_point::max();
    std::chrono::milliseconds backoff{0};

    // The call in flight.
    DbCall* call = nullptr;
    bool guard_phase_one = false;  // a guarded call whose first statement is not the guard
    std::vector<Item> items;
    std::size_t cur = 0;  // the item whose results come next
    bool got_result = false;
    int nulls = 0;
    std::size_t seg_start = 0;  // the first item of the transaction being answered
    ReplyStatus seg_status = ReplyStatus::ok;
    bool seg_guard_skip = false;
  };

  struct Waiting {
    DbCall* call;
    Clock::time_point deadline;
  };

  Impl(AsioRuntime& runtime, PostgresOptions o)
      : io(runtime.io()), options(std::move(o)), timer(io) {
    PostgresConnSettings s = postgres_conn_settings(options);
    params = std::move(s.pool);
    admin_params = std::move(s.admin);
    name = std::move(s.name);
    connect_timeout = s.connect_timeout;
    params.seal();  // here, where they stay: the pointers are into their strings
    admin_params.seal();
  }

  ~Impl() {
    for (auto& c : conns) close(*c);
    if (admin != nullptr) PQfinish(admin);
  }

  // ---- blocking setup ------------------------------------------------------------------

  PGconn* connect_blocking(const ConnParams& p) {
    PGconn* pg = PQconnectdbParams(p.key_ptrs.data(), p.value_ptrs.data(), 0);
    if (pg == nullptr) throw BackendError(name, "out of memory");
    if (PQstatus(pg) != CONNECTION_OK) {
      const std::string what = libpq_message(PQerrorMessage(pg));
      PQfinish(pg);
      throw BackendError(name, what);
    }
    PQsetNoticeProcessor(pg, ignore_notice, nullptr);
    return pg;
  }

  PGconn* admin_conn() {
    if (admin != nullptr && PQstatus(admin) != CONNECTION_OK) {
      PQfinish(admin);
      admin = nullptr;
    }
    if (admin == nullptr) admin = connect_blocking(admin_params);
    return admin;
  }

  // Runs `sql` on the admin connection (reconnecting once if it was lost): the first column
  // of the first row, or "" when there is none.
  std::string exec_blocking(const char* sql) {
    for (int attempt = 0;; ++attempt) {
      PGconn* pg = admin_conn();
      PGresult* r = PQexec(pg, sql);
      const ExecStatusType st = PQresultStatus(r);
      if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
        std::string out;
        if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0 &&
            !PQgetisnull(r, 0, 0)) {
          out = PQgetvalue(r, 0, 0);
        }
        PQclear(r);
        return out;
      }
      const std::string what = libpq_message(r != nullptr ? PQresultErrorMessage(r) : "no result");
      PQclear(r);
      if (attempt == 0 && PQstatus(pg) != CONNECTION_OK) continue;  // lost: once more
      throw BackendError(name, what.empty() ? libpq_message(PQerrorMessage(pg)) : what);
    }
  }

  void connect_pool() {
    const int n = std::max(1, options.connections);
    for (int i = 0; i < n; ++i) {
      conns.push_back(std::make_unique<Conn>(io));
      Conn& c = *conns.back();
      c.pg = connect_blocking(params);
      if (!ready(c)) throw BackendError(name, "cannot enter pipeline mode: " + last_error);
    }
  }

  // ---- calls ---------------------------------------------------------------------------

  void submit(DbCall* call) {
    ++stats.calls;
    stats.statements += call->n;
    if (call->n == 0) {
      resume(call);
      return;
    }
    if (!idle.empty()) {
      Conn* c = idle.back();
      idle.pop_back();
      start(*c, call);
      return;
    }
    if (server_down && busy == 0) {
      fail(call, ReplyStatus::unavailable);
      return;
    }
    if (options.pool_timeout.count() <= 0) {
      reject(call);
      return;
    }
    queue.push_back({call, Clock::now() + options.pool_timeout});
    if (queue.size() == 1) wake_at(queue.front().deadline);
  }

  void resume(DbCall* call) {
    boost::asio::post(io, [h = call->waiter] { h.resume(); });
  }

  // Resumes the call; counts it as a failure if a reply is not ok.
  void finish(DbCall* call) {
    for (std::uint32_t i = 0; i < call->n; ++i) {
      if (call->replies[i].status != ReplyStatus::ok) {
        ++stats.failures;
        break;
      }
    }
    resume(call);
  }

  void fail(DbCall* call, ReplyStatus status) {
    for (std::uint32_t i = 0; i < call->n; ++i) call->replies[i] = {0, status};
    finish(call);
  }

  void reject(DbCall* call) {
    for (std::uint32_t i = 0; i < call->n; ++i) call->replies[i] = {0, ReplyStatus::rejected};
    ++stats.rejected;
    resume(call);
  }

  void start(Conn& c, DbCall* call) {
    c.state = Conn::State::busy;
    c.call = call;
    ++busy;
    stats.max_busy = std::max(stats.max_busy, busy);
    if (options.statement_timeout.count() > 0) {
      // A backstop for a server that does not answer at all: the server cancels a slow
      // statement itself after statement_timeout.
      c.deadline = Clock::now() + 2 * options.statement_timeout + std::chrono::seconds(1);
      wake_at(c.deadline);
    } else {
      c.deadline = Clock::time_point::max();
    }
    const bool guarded = call->kind == DbCallKind::guarded_transaction;
    c.guard_phase_one =
        guarded && call->n > 1 && call->statements[0].verb != DbVerb::advance_offset;
    if (c.guard_phase_one) {
      // Only advance_offset has a raising form: any other guard costs a second round trip
      // (and is not atomic with the rest).
      send(c, 0, 1, DbCallKind::single);
    } else {
      send(c, 0, call->n, call->kind);
    }
  }

  // Sends statements [first, last) of c's call in one flight.
  void send(Conn& c, std::uint32_t first, std::uint32_t last, DbCallKind kind) {
    DbCall* call = c.call;
    ++stats.round_trips;
    c.items.clear();
    c.cur = 0;
    c.got_result = false;
    c.nulls = 0;
    c.seg_start = 0;
    c.seg_status = ReplyStatus::ok;
    c.seg_guard_skip = false;
    for (std::uint32_t i = first; i < last; ++i) call->replies[i] = {0, ReplyStatus::timeout};
    bool sent = true;
    if (!c.prepared) {
      // Once per connection, in the same flight: a failed attempt may have left some.
      sent = PQsendQueryParams(c.pg, "DEALLOCATE ALL", 0, nullptr, nullptr, nullptr, nullptr, 0);
      c.items.push_back({Item::setup});
      for (const pg::PreparedSql& sql : pg::all_prepared_sql()) {
        if (!sent) break;
        sent = PQsendPrepare(c.pg, sql.name, sql.text, sql.params, sql.types.data());
        c.items.push_back({Item::setup});
      }
      sent = sent && PQpipelineSync(c.pg);
      c.items.push_back({Item::sync});
      c.prepared = true;  // until a setup result says otherwise
    }
    const bool guarded = kind == DbCallKind::guarded_transaction;
    for (std::uint32_t i = first; i < last && sent; ++i) {
      const DbStatement& s = call->statements[i];
      const bool guard = guarded && i == first && s.verb == DbVerb::advance_offset;
      const pg::PreparedSql& sql = guard ? pg::guard_sql() : pg::prepared_sql(s.verb);
      const pg::TextParams p(s, sql);
      sent = PQsendQueryPrepared(c.pg, sql.name, p.count, p.values, nullptr, nullptr, 0);
      c.items.push_back({Item::statement, guard, i});
      if (kind == DbCallKind::read_batch) {
        sent = sent && PQpipelineSync(c.pg);
        c.items.push_back({Item::sync});
      }
    }
    if (kind != DbCallKind::read_batch) {
      sent = sent && PQpipelineSync(c.pg);
      c.items.push_back({Item::sync});
    }
    if (!sent) {
      broken(c, libpq_message(PQerrorMessage(c.pg)));
      return;
    }
    flush(c);
  }

  void flush(Conn& c) {
    const int f = PQflush(c.pg);
    if (f < 0) {
      broken(c, libpq_message(PQerrorMessage(c.pg)));
    } else if (f > 0) {
      arm_write(c);
    }
  }

  // ---- results -------------------------------------------------------------------------

  // Takes every result libpq has parsed. Returns after the call completes: the connection
  // may then carry another call, or have been replaced.
  void drain(Conn& c) {
    while (c.call != nullptr && !PQisBusy(c.pg)) {
      PGresult* r = PQgetResult(c.pg);
      if (r == nullptr) {
        // The end of one statement's results.
        if (++c.nulls > 1 || c.cur >= c.items.size()) return;  // nothing more: wait
        if (c.got_result) {
          c.got_result = false;
          if (advance(c)) return;
        }
        continue;
      }
      c.nulls = 0;
      const ExecStatusType st = PQresultStatus(r);
      if (c.cur >= c.items.size()) {  // an answer to nothing we sent
        PQclear(r);
        broken(c, "unexpected result from the server");
        return;
      }
      const Item item = c.items[c.cur];
      if (st == PGRES_PIPELINE_SYNC) {
        PQclear(r);
        end_transaction(c);
        if (advance(c)) return;
        continue;
      }
      on_result(c, item, r, st);
      PQclear(r);
      if (item.kind != Item::sync) c.got_result = true;
    }
  }

  // Moves to the next item; true when the call is complete (and handed on).
  bool advance(Conn& c) {
    ++c.cur;
    if (c.cur < c.items.size()) return false;
    call_done(c);
    return true;
  }

  void on_result(Conn& c, const Item& item, PGresult* r, ExecStatusType st) {
    DbReply* replies = c.call->replies;
    const bool failed = st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK;
    if (failed && st != PGRES_PIPELINE_ABORTED) {
      const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      if (item.guard && state != nullptr && std::string_view(state) == pg::kGuardSqlState) {
        c.seg_guard_skip = true;
      } else {
        c.seg_status = worse(c.seg_status, status_of_sqlstate(state));
        last_error = libpq_message(PQresultErrorMessage(r));
      }
    }
    if (item.kind == Item::setup) {
      if (failed) c.prepared = false;
      return;
    }
    if (item.kind != Item::statement) return;  // an error at the sync (the commit)
    if (failed) {
      replies[item.index] = {0, st == PGRES_PIPELINE_ABORTED ? ReplyStatus::error : c.seg_status};
      return;
    }
    const DbStatement& s = c.call->statements[item.index];
    const pg::PreparedSql& sql = item.guard ? pg::guard_sql() : pg::prepared_sql(s.verb);
    std::int64_t value = 0;
    if (sql.counts_rows) {
      value = pg::parse_value(PQcmdTuples(r));
    } else if (PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0)) {
      value = pg::parse_value(PQgetvalue(r, 0, 0));
    }
    replies[item.index] = {value, ReplyStatus::ok};
  }

  // A sync's answer: the statements since the last one were committed, or all rolled back.
  void end_transaction(Conn& c) {
    for (std::size_t k = c.seg_start; k < c.cur; ++k) {
      const Item& item = c.items[k];
      if (item.kind != Item::statement) continue;
      if (c.seg_guard_skip) {
        c.call->replies[item.index] = {0, ReplyStatus::ok};
      } else if (c.seg_status != ReplyStatus::ok) {
        c.call->replies[item.index] = {0, c.seg_status};
      }
    }
    c.seg_start = c.cur + 1;
    c.seg_status = ReplyStatus::ok;
    c.seg_guard_skip = false;
  }

  void call_done(Conn& c) {
    DbCall* call = c.call;
    if (c.guard_phase_one) {
      c.guard_phase_one = false;
      const DbReply first = call->replies[0];
      if (first.status == ReplyStatus::ok && first.value != 0) {
        send(c, 1, call->n, DbCallKind::transaction);
        return;
      }
      // Skipped (a 0), or the guard failed: the rest was not sent.
      for (std::uint32_t i = 1; i < call->n; ++i) call->replies[i] = {0, first.status};
    }
    c.call = nullptr;
    --busy;
    c.deadline = Clock::time_point::max();
    finish(call);
    make_idle(c);
  }

  // ---- connection life -----------------------------------------------------------------

  // A connected connection goes to work: nonblocking, pipeline mode, its socket watched.
  bool ready(Conn& c) {
    PQsetNoticeProcessor(c.pg, ignore_notice, nullptr);
    if (PQsetnonblocking(c.pg, 1) != 0 || PQenterPipelineMode(c.pg) != 1) {
      last_error = libpq_message(PQerrorMessage(c.pg));
      return false;
    }
    watch_socket(c);
    c.prepared = false;
    c.backoff = std::chrono::milliseconds(0);
    c.deadline = Clock::time_point::max();
    server_down = false;
    make_idle(c);
    arm_read(c);
    return true;
  }

  void make_idle(Conn& c) {
    if (!queue.empty()) {
      DbCall* call = queue.front().call;
      queue.pop_front();
      start(c, call);
      return;
    }
    c.state = Conn::State::idle;
    idle.push_back(&c);
  }

  // Asio watches libpq's socket; release() first, so Asio never closes it.
  void watch_socket(Conn& c) {
    unwatch_socket(c);
    const int fd = PQsocket(c.pg);
    if (fd < 0) return;
    boost::system::error_code ec;
    c.sock.assign(fd, ec);
  }

  void unwatch_socket(Conn& c) {
    if (c.sock.is_open()) c.sock.release();
    c.reading = false;
    c.writing = false;
    ++c.gen;
  }

  void close(Conn& c) {
    unwatch_socket(c);
    if (c.pg != nullptr) PQfinish(c.pg);
    c.pg = nullptr;
  }

  // The connection is lost: the call in flight ends (what was not committed is unknown), and
  // the connection reconnects.
  void broken(Conn& c, const std::string& why) {
    last_error = why;
    if (c.state == Conn::State::idle) idle.erase(std::find(idle.begin(), idle.end(), &c));
    if (DbCall* call = c.call; call != nullptr) {
      // The transaction being answered ends as far as its answers tell (a raised guard: rolled
      // back; an error: failed); what comes after, or had no answer, is unknown.
      std::size_t seg_end = c.cur;
      while (seg_end < c.items.size() && c.items[seg_end].kind != Item::sync) ++seg_end;
      for (std::size_t k = c.seg_start; k < c.items.size(); ++k) {
        const Item& item = c.items[k];
        if (item.kind != Item::statement) continue;
        DbReply reply{0, ReplyStatus::timeout};
        if (k < seg_end && c.seg_guard_skip) {
          reply.status = ReplyStatus::ok;
        } else if (k < seg_end && c.seg_status != ReplyStatus::ok) {
          reply.status = c.seg_status;
        }
        call->replies[item.index] = reply;
      }
      if (c.guard_phase_one) {
        for (std::uint32_t i = 1; i < call->n; ++i) call->replies[i] = call->replies[0];
      }
      c.call = nullptr;
      c.guard_phase_one = false;
      --busy;
      finish(call);
    }
    start_connect(c);
  }

  void start_connect(Conn& c) {
    close(c);
    c.state = Conn::State::connecting;
    c.pg = PQconnectStartParams(params.key_ptrs.data(), params.value_ptrs.data(), 0);
    if (c.pg == nullptr || PQstatus(c.pg) == CONNECTION_BAD) {
      connect_failed(c, c.pg != nullptr ? PQerrorMessage(c.pg) : "out of memory");
      return;
    }
    c.deadline = Clock::now() + connect_timeout;
    wake_at(c.deadline);
    watch_socket(c);
    arm_write(c);  // libpq: poll first when the socket is writable
  }

  void continue_connect(Conn& c) {
    const PostgresPollingStatusType s = PQconnectPoll(c.pg);
    if (s == PGRES_POLLING_OK) {
      if (!ready(c)) connect_failed(c, last_error);
      return;
    }
    if (s == PGRES_POLLING_FAILED) {
      connect_failed(c, PQerrorMessage(c.pg));
      return;
    }
    watch_socket(c);  // libpq may have moved to another socket (the next address)
    if (s == PGRES_POLLING_READING) {
      arm_read(c);
    } else {
      arm_write(c);
    }
  }

  void connect_failed(Conn& c, const std::string& why) {
    last_error = libpq_message(why);
    close(c);
    c.state = Conn::State::down;
    server_down = true;
    c.backoff = std::clamp(2 * c.backoff, kMinBackoff, kMaxBackoff);
    c.deadline = Clock::now() + c.backoff;
    wake_at(c.deadline);
    if (busy == 0 && idle.empty()) {
      // Nothing can serve the queue: the server is down.
      while (!queue.empty()) {
        DbCall* call = queue.front().call;
        queue.pop_front();
        fail(call, ReplyStatus::unavailable);
      }
    }
  }

  // ---- socket events -------------------------------------------------------------------

  template <class F>
  auto guarded_handler(Conn& c, F f) {
    return [this, &c, gen = c.gen, life = std::weak_ptr<bool>(alive),
            f](const boost::system::error_code& ec) {
      if (ec == boost::asio::error::operation_aborted || life.expired() || gen != c.gen) return;
      f();
    };
  }

  void arm_read(Conn& c) {
    if (c.reading || !c.sock.is_open()) return;
    c.reading = true;
    c.sock.async_wait(stream_descriptor::wait_read, guarded_handler(c, [this, &c] {
                        c.reading = false;
                        on_readable(c);
                      }));
  }

  void arm_write(Conn& c) {
    if (c.writing || !c.sock.is_open()) return;
    c.writing = true;
    c.sock.async_wait(stream_descriptor::wait_write, guarded_handler(c, [this, &c] {
                        c.writing = false;
                        on_writable(c);
                      }));
  }

  // Whether the socket has bytes (or EOF) waiting: readiness is edge-triggered, so a wait
  // armed while bytes are already there would not fire.
  static bool readable_now(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

  void on_readable(Conn& c) {
    if (c.state == Conn::State::connecting) {
      continue_connect(c);
      return;
    }
    const std::uint64_t gen = c.gen;
    for (;;) {
      if (PQconsumeInput(c.pg) == 0) {
        broken(c, libpq_message(PQerrorMessage(c.pg)));
        return;
      }
      if (c.state == Conn::State::busy) drain(c);
      if (c.gen != gen) return;  // replaced meanwhile
      // libpq: output that could not be flushed may wait for input to be read.
      if (c.state == Conn::State::busy && c.writing) flush(c);
      if (c.gen != gen) return;
      if (!readable_now(PQsocket(c.pg))) break;
    }
    if (PQstatus(c.pg) == CONNECTION_BAD) {
      broken(c, libpq_message(PQerrorMessage(c.pg)));
      return;
    }
    arm_read(c);
  }

  void on_writable(Conn& c) {
    if (c.state == Conn::State::connecting) {
      continue_connect(c);
      return;
    }
    if (c.state == Conn::State::busy) flush(c);
  }

  // ---- time ----------------------------------------------------------------------------

  void wake_at(Clock::time_point t) {
    if (t == Clock::time_point::max()) return;
    if (armed_at && *armed_at <= t) return;
    armed_at = t;
    timer.expires_at(t);
    timer.async_wait(
        [this, life = std::weak_ptr<bool>(alive), t](const boost::system::error_code& ec) {
          if (ec == boost::asio::error::operation_aborted || life.expired()) return;
          if (armed_at != t) return;  // re-armed since
          armed_at.reset();
          on_timer();
        });
  }

  void on_timer() {
    const Clock::time_point now = Clock::now();
    while (!queue.empty() && queue.front().deadline <= now) {
      DbCall* call = queue.front().call;
      queue.pop_front();
      reject(call);
    }
    for (auto& p : conns) {
      Conn& c = *p;
      if (c.deadline > now) continue;
      switch (c.state) {
        case Conn::State::busy:
          broken(c, "no answer within " +
                        std::to_string((2 * options.statement_timeout).count() + 1000) + " ms");
          break;
        case Conn::State::connecting:
          connect_failed(c, "connect timeout");
          break;
        case Conn::State::down:
          start_connect(c);
          break;
        case Conn::State::idle:
          c.deadline = Clock::time_point::max();
          break;
      }
    }
    Clock::time_point next = Clock::time_point::max();
    if (!queue.empty()) next = queue.front().deadline;
    for (auto& p : conns) next = std::min(next, p->deadline);
    wake_at(next);
  }

  boost::asio::io_context& io;
  PostgresOptions options;
  ConnParams params;
  ConnParams admin_params;
  std::string name;
  std::chrono::seconds connect_timeout{0};
  std::vector<std::unique_ptr<Conn>> conns;
  std::vector<Conn*> idle;
  std::deque<Waiting> queue;
  boost::asio::steady_timer timer;
  std::optional<Clock::time_point> armed_at;
  bool server_down = false;
  int busy = 0;
  Stats stats;
  std::string last_error;
  PGconn* admin = nullptr;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

PostgresClient::PostgresClient(AsioRuntime& rt, PostgresOptions options)
    : impl_(std::make_unique<Impl>(rt, std::move(options))) {
  impl_->admin_conn();  // a refused login or an unreachable server fails here, in one line
  impl_->connect_pool();
}

PostgresClient::~PostgresClient() = default;

void PostgresClient::submit(DbCall* call) { impl_->submit(call); }

std::string PostgresClient::create_schema() {
  std::vector<const pg::SchemaObject*> missing;
  std::vector<const pg::SchemaObject*> present;
  for (const pg::SchemaObject& o : pg::schema_objects()) {
    const bool exists = impl_->exec_blocking(o.exists_query) == "t";
    (exists ? present : missing).push_back(&o);
  }
  impl_->exec_blocking(pg::schema_script());
  // "tables likes, like_counts and function likesim_advance_offset"
  auto describe = [](const std::vector<const pg::SchemaObject*>& objects) {
    std::string out;
    for (const std::string_view kind : {"table", "function"}) {
      std::string names;
      int count = 0;
      for (const pg::SchemaObject* o : objects) {
        if (o->kind != kind) continue;
        names += (count++ == 0 ? "" : ", ") + std::string(o->name);
      }
      if (count == 0) continue;
      out += (out.empty() ? "" : " and ") + std::string(kind) + (count > 1 ? "s " : " ") + names;
    }
    return out;
  };
  if (missing.empty()) return impl_->name + ": schema present (" + describe(present) + ")";
  std::string line = impl_->name + ": created " + describe(missing);
  if (!present.empty()) line += "; already present: " + describe(present);
  return line;
}

void PostgresClient::truncate() { impl_->exec_blocking(pg::truncate_script()); }

std::string PostgresClient::query_value(const std::string& sql) {
  return impl_->exec_blocking(sql.c_str());
}

const std::string& PostgresClient::name() const { return impl_->name; }
const PostgresClient::Stats& PostgresClient::stats() const { return impl_->stats; }
int PostgresClient::busy_connections() const { return impl_->busy; }
int PostgresClient::connections() const { return static_cast<int>(impl_->conns.size()); }
const std::string& PostgresClient::last_error() const { return impl_->last_error; }

std::vector<int> PostgresClient::backend_pids() const {
  std::vector<int> pids;
  for (const auto& c : impl_->conns) {
    if (c->pg != nullptr &&
        (c->state == Impl::Conn::State::idle || c->state == Impl::Conn::State::busy)) {
      pids.push_back(PQbackendPID(c->pg));
    }
  }
  return pids;
}

}  // namespace likesim::real
