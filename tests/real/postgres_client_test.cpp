// PostgresClient against the server scripts/backends starts (127.0.0.1:5433/likesim).
#include "engine/backends/real/postgres_client.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <future>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <utility>  // before Asio (STYLE.md §7)
#include <vector>

#include "engine/backends/real/backend_error.h"

namespace likesim::real {
namespace {

using namespace std::chrono_literals;

constexpr const char* kConninfo = "host=127.0.0.1 port=5433 dbname=likesim user=likesim";
constexpr const char* kName = "postgres 127.0.0.1:5433/likesim";

PostgresOptions options(int connections, std::chrono::milliseconds pool_timeout = 5000ms) {
  PostgresOptions o;
  o.conninfo = kConninfo;
  o.connections = connections;
  o.pool_timeout = pool_timeout;
  return o;
}

// A plain blocking libpq connection of the test's own: holds row locks, watches, kills.
class RawConn {
 public:
  RawConn() : pg_(PQconnectdb(kConninfo)) {
    if (PQstatus(pg_) != CONNECTION_OK) ADD_FAILURE() << PQerrorMessage(pg_);
  }
  ~RawConn() { PQfinish(pg_); }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  // The first column of the first row ("" if none); "ERROR <sqlstate>" if the statement failed.
  std::string exec(const std::string& sql) {
    PGresult* r = PQexec(pg_, sql.c_str());
    std::string out;
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK && PQntuples(r) > 0) {
      out = PQgetvalue(r, 0, 0);
    } else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
      const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      out = std::string("ERROR ") + (state != nullptr ? state : "?");
    }
    PQclear(r);
    return out;
  }

 private:
  PGconn* pg_;
};

Task<DbReply> run_one(Db db, DbStatement s) {
  const DbReply r = co_await db.run(s);
  co_return r;
}

struct BatchResult {
  ReplyStatus status = ReplyStatus::ok;
  std::vector<DbReply> replies;
};

Task<BatchResult> run_batch(Db db, DbCallKind kind, std::vector<DbStatement> statements) {
  DbBatch b;
  for (const DbStatement& s : statements) b.add(s);
  ReplyStatus status = ReplyStatus::ok;
  switch (kind) {
    case DbCallKind::transaction:
      status = co_await db.transaction(b);
      break;
    case DbCallKind::guarded_transaction:
      status = co_await db.guarded_transaction(b);
      break;
    case DbCallKind::read_batch:
      status = co_await db.read_batch(b);
      break;
    case DbCallKind::single:
      ADD_FAILURE() << "use run_one";
      break;
  }
  co_return BatchResult{status, {b.replies().begin(), b.replies().end()}};
}

// Runs a call in the background and records its reply.
struct Pending {
  DbReply reply;
  bool done = false;
};
Task<void> run_into(Db db, DbStatement s, Pending& out) {
  const DbReply r = co_await db.run(s);
  out.reply = r;
  out.done = true;
}

class PostgresClientTest : public ::testing::Test {
 protected:
  void open(PostgresOptions o) {
    open_without_schema(std::move(o));
    pg_->create_schema();
    pg_->truncate();
  }
  void open_without_schema(PostgresOptions o) {
    pg_.reset();
    pg_ = std::make_unique<PostgresClient>(rt_, std::move(o));
  }
  void SetUp() override { open(options(2)); }

  DbReply one(const DbStatement& s) { return rt_.block_on(run_one(Db(*pg_), s), 10s); }
  BatchResult batch(DbCallKind kind, std::vector<DbStatement> statements) {
    return rt_.block_on(run_batch(Db(*pg_), kind, std::move(statements)), 10s);
  }
  // Runs the event loop for a while (lets background calls and reconnects progress).
  void pump(Duration d) {
    rt_.run_until([] { return false; }, rt_.now() + d);
  }
  // Pumps until the pool connection `pid` waits for a row lock.
  bool wait_for_lock_wait(RawConn& monitor, int pid) {
    for (int i = 0; i < 250; ++i) {
      pump(20ms);
      const std::string n = monitor.exec(
          "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid = " +
          std::to_string(pid));
      if (n == "1") return true;
    }
    return false;
  }

  boost::asio::io_context io_;
  AsioRuntime rt_{io_};
  std::unique_ptr<PostgresClient> pg_;
};

TEST_F(PostgresClientTest, CreateSchemaSaysWhatItDidInOneLine) {
  const std::string line = pg_->create_schema();  // the fixture made it already
  EXPECT_EQ(line.rfind(std::string(kName) + ": ", 0), 0u) << line;
  EXPECT_NE(line.find("schema present"), std::string::npos) << line;
  EXPECT_NE(line.find("consumer_offsets"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(pg_->name(), kName);
}

TEST_F(PostgresClientTest, QueryValueAndTruncate) {
  EXPECT_EQ(pg_->query_value("SELECT 40 + 2"), "42");
  EXPECT_EQ(pg_->query_value("SELECT 1 WHERE false"), "");
  EXPECT_EQ(one(DbStatement::insert_like(1, 1)).value, 1);
  EXPECT_EQ(one(DbStatement::counter_add(1, 5)).value, 5);
  EXPECT_EQ(one(DbStatement::advance_offset(0, 3)).value, 1);
  pg_->truncate();
  EXPECT_EQ(pg_->query_value("SELECT (SELECT count(*) FROM likes) + (SELECT count(*) FROM "
                             "like_counts) + (SELECT count(*) FROM consumer_offsets)"),
            "0");
  EXPECT_THROW(pg_->query_value("SELECT * FROM no_such_table"), BackendError);
}

TEST_F(PostgresClientTest, LikeRowVerbs) {
  EXPECT_EQ(one(DbStatement::like_exists(7, 1)).value, 0);
  EXPECT_EQ(one(DbStatement::insert_like(7, 1)).value, 1);
  EXPECT_EQ(one(DbStatement::insert_like(7, 1)).value, 0);  // ON CONFLICT DO NOTHING
  EXPECT_EQ(one(DbStatement::insert_like(7, 2)).value, 1);
  EXPECT_EQ(one(DbStatement::insert_like(8, 1)).value, 1);
  EXPECT_EQ(one(DbStatement::like_exists(7, 1)).value, 1);
  EXPECT_EQ(one(DbStatement::count_likes(7)).value, 2);
  EXPECT_EQ(one(DbStatement::count_likes(9)).value, 0);
  const DbReply del = one(DbStatement::delete_like(7, 1));
  EXPECT_EQ(del.status, ReplyStatus::ok);
  EXPECT_EQ(del.value, 1);
  EXPECT_EQ(one(DbStatement::delete_like(7, 1)).value, 0);
  EXPECT_EQ(one(DbStatement::like_exists(7, 1)).value, 0);
  EXPECT_EQ(one(DbStatement::count_likes(7)).value, 1);
  // Ids use the whole uint32 range.
  const UserId big = std::numeric_limits<UserId>::max();
  EXPECT_EQ(one(DbStatement::insert_like(big, big)).value, 1);
  EXPECT_EQ(one(DbStatement::like_exists(big, big)).value, 1);
}

TEST_F(PostgresClientTest, CounterVerbs) {
  EXPECT_EQ(one(DbStatement::counter_read(5)).value, 0);  // no row
  EXPECT_EQ(one(DbStatement::counter_add(5, 3)).value, 3);
  EXPECT_EQ(one(DbStatement::counter_add(5, -1)).value, 2);
  EXPECT_EQ(one(DbStatement::counter_add(6, -4)).value, -4);
  EXPECT_EQ(one(DbStatement::counter_add(5, 0)).value, 2);
  const DbReply r = one(DbStatement::counter_read(5));
  EXPECT_EQ(r.status, ReplyStatus::ok);
  EXPECT_EQ(r.value, 2);
  EXPECT_EQ(one(DbStatement::counter_read(6)).value, -4);
}

TEST_F(PostgresClientTest, LikeAndCounterMoveTogetherInOneStatement) {
  EXPECT_EQ(one(DbStatement::insert_like_and_increment(3, 1)).value, 1);
  EXPECT_EQ(one(DbStatement::insert_like_and_increment(3, 1)).value, 0);  // counter stays
  EXPECT_EQ(one(DbStatement::insert_like_and_increment(3, 2)).value, 1);
  EXPECT_EQ(one(DbStatement::counter_read(3)).value, 2);
  EXPECT_EQ(one(DbStatement::count_likes(3)).value, 2);
  EXPECT_EQ(one(DbStatement::delete_like_and_decrement(3, 1)).value, 1);
  EXPECT_EQ(one(DbStatement::delete_like_and_decrement(3, 1)).value, 0);  // counter stays
  EXPECT_EQ(one(DbStatement::delete_like_and_decrement(3, 9)).value, 0);
  EXPECT_EQ(one(DbStatement::counter_read(3)).value, 1);
  EXPECT_EQ(one(DbStatement::like_exists(3, 2)).value, 1);
  // A like made without its counter: deleting it moves the counter below zero, as in the
  // simulator.
  EXPECT_EQ(one(DbStatement::insert_like(4, 1)).value, 1);
  EXPECT_EQ(one(DbStatement::delete_like_and_decrement(4, 1)).value, 1);
  EXPECT_EQ(one(DbStatement::counter_read(4)).value, -1);
}

TEST_F(PostgresClientTest, AdvanceOffsetOnlyMovesForward) {
  EXPECT_EQ(one(DbStatement::advance_offset(0, 10)).value, 1);
  EXPECT_EQ(one(DbStatement::advance_offset(0, 5)).value, 0);
  EXPECT_EQ(one(DbStatement::advance_offset(0, 10)).value, 0);
  EXPECT_EQ(one(DbStatement::advance_offset(0, 12)).value, 1);
  EXPECT_EQ(one(DbStatement::advance_offset(1, 0)).value, 0);  // a new partition is at 0
  EXPECT_EQ(one(DbStatement::advance_offset(1, 1)).value, 1);
  EXPECT_EQ(pg_->query_value("SELECT next_offset FROM consumer_offsets WHERE partition = 0"), "12");
}

TEST_F(PostgresClientTest, TransactionAppliesAllOrNothing) {
  const BatchResult ok = batch(DbCallKind::transaction,
                               {DbStatement::insert_like(8, 1), DbStatement::counter_add(8, 1),
                                DbStatement::like_exists(8, 1)});
  EXPECT_EQ(ok.status, ReplyStatus::ok);
  ASSERT_EQ(ok.replies.size(), 3u);
  EXPECT_EQ(ok.replies[0].value, 1);
  EXPECT_EQ(ok.replies[1].value, 1);
  EXPECT_EQ(ok.replies[2].value, 1);  // sees its own transaction's insert

  // The last statement overflows bigint: the insert and the first add are rolled back.
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  const BatchResult failed = batch(
      DbCallKind::transaction, {DbStatement::insert_like(9, 1), DbStatement::counter_add(9, kMax),
                                DbStatement::counter_add(9, kMax), DbStatement::counter_add(8, 1)});
  EXPECT_EQ(failed.status, ReplyStatus::error);
  for (const DbReply& r : failed.replies) {
    EXPECT_EQ(r.status, ReplyStatus::error);
    EXPECT_EQ(r.value, 0);
  }
  EXPECT_NE(pg_->last_error().find("out of range"), std::string::npos) << pg_->last_error();
  EXPECT_EQ(one(DbStatement::like_exists(9, 1)).value, 0);
  EXPECT_EQ(one(DbStatement::counter_read(9)).value, 0);
  EXPECT_EQ(one(DbStatement::counter_read(8)).value, 1);
}

TEST_F(PostgresClientTest, CallsBeforeCreateSchemaFailThenWorkAfterIt) {
  // A schema of its own (the options of the conninfo reach both the pool and the blocking
  // calls), empty at first: preparing fails, and is retried after create_schema().
  RawConn raw;
  raw.exec("DROP SCHEMA IF EXISTS likesim_test_empty CASCADE");
  raw.exec("CREATE SCHEMA likesim_test_empty");
  PostgresOptions o = options(1);
  o.conninfo += " options='-c search_path=likesim_test_empty'";
  open_without_schema(o);
  const DbReply before = one(DbStatement::counter_add(1, 1));
  EXPECT_EQ(before.status, ReplyStatus::error);
  EXPECT_NE(pg_->last_error().find("does not exist"), std::string::npos) << pg_->last_error();
  const std::string line = pg_->create_schema();
  EXPECT_EQ(line,
            "postgres 127.0.0.1:5433/likesim: created tables likes, like_counts, "
            "consumer_offsets and function likesim_advance_offset");
  EXPECT_EQ(one(DbStatement::counter_add(1, 1)).value, 1);
  const BatchResult r = batch(DbCallKind::guarded_transaction,
                              {DbStatement::advance_offset(0, 1), DbStatement::counter_add(1, 1)});
  EXPECT_EQ(r.status, ReplyStatus::ok);
  EXPECT_EQ(r.replies[1].value, 2);
  EXPECT_EQ(raw.exec("SELECT n FROM likesim_test_empty.like_counts"), "2");
  pg_.reset();
  raw.exec("DROP SCHEMA likesim_test_empty CASCADE");
}

TEST_F(PostgresClientTest, ServerErrorLeavesTheConnectionUsable) {
  open(options(1));
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(one(DbStatement::counter_add(2, kMax)).status, ReplyStatus::ok);
  const DbReply r = one(DbStatement::counter_add(2, 1));
  EXPECT_EQ(r.status, ReplyStatus::error);
  EXPECT_EQ(pg_->stats().failures, 1u);
  EXPECT_EQ(one(DbStatement::counter_add(2, -1)).value, kMax - 1);
}

TEST_F(PostgresClientTest, GuardedTransactionAppliesOnceInOneRoundTrip) {
  open(options(1));  // one connection: every call reuses the session of the skipped one
  std::vector<std::int64_t> guards;
  for (std::int64_t next : {10, 5, 12, 12}) {  // 5 and the second 12: applied already
    const std::uint64_t before = pg_->stats().round_trips;
    const BatchResult r = batch(DbCallKind::guarded_transaction,
                                {DbStatement::advance_offset(0, next),
                                 DbStatement::counter_add(3, 100), DbStatement::insert_like(3, 1)});
    EXPECT_EQ(pg_->stats().round_trips - before, 1u) << next;
    EXPECT_EQ(r.status, ReplyStatus::ok) << next;
    ASSERT_EQ(r.replies.size(), 3u);
    guards.push_back(r.replies[0].value);
    if (r.replies[0].value == 0) {
      EXPECT_EQ(r.replies[1].value, 0);
      EXPECT_EQ(r.replies[1].status, ReplyStatus::ok);
      EXPECT_EQ(r.replies[2].value, 0);
      EXPECT_EQ(r.replies[2].status, ReplyStatus::ok);
      // Rolled back at once: the offset row is not locked by an aborted transaction.
      RawConn raw;
      raw.exec("BEGIN");
      EXPECT_EQ(raw.exec("SELECT next_offset FROM consumer_offsets WHERE partition = 0 "
                         "FOR UPDATE NOWAIT"),
                next == 5 ? "10" : "12");
      raw.exec("ROLLBACK");
    } else {
      EXPECT_EQ(r.replies[1].value, next == 10 ? 100 : 200);
    }
  }
  EXPECT_EQ(guards, (std::vector<std::int64_t>{1, 0, 1, 0}));
  EXPECT_EQ(one(DbStatement::counter_read(3)).value, 200);
  EXPECT_EQ(pg_->stats().failures, 0u);
  EXPECT_EQ(pg_->query_value("SELECT next_offset FROM consumer_offsets WHERE partition = 0"), "12");
}

TEST_F(PostgresClientTest, GuardedTransactionFailureRollsBackTheGuardToo) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(one(DbStatement::counter_add(4, kMax)).value, kMax);
  const BatchResult r = batch(DbCallKind::guarded_transaction,
                              {DbStatement::advance_offset(2, 7), DbStatement::counter_add(4, 1)});
  EXPECT_EQ(r.status, ReplyStatus::error);
  EXPECT_EQ(r.replies[0].status, ReplyStatus::error);
  // Not applied: the batch can be retried.
  EXPECT_EQ(one(DbStatement::advance_offset(2, 7)).value, 1);
}

TEST_F(PostgresClientTest, GuardedTransactionWithAnotherFirstStatement) {
  // Only advance_offset raises; another first statement is checked in its own round trip.
  BatchResult r = batch(DbCallKind::guarded_transaction,
                        {DbStatement::like_exists(6, 1), DbStatement::counter_add(6, 5)});
  EXPECT_EQ(r.status, ReplyStatus::ok);
  EXPECT_EQ(r.replies[0].value, 0);
  EXPECT_EQ(r.replies[1].value, 0);
  EXPECT_EQ(one(DbStatement::counter_read(6)).value, 0);
  EXPECT_EQ(one(DbStatement::insert_like(6, 1)).value, 1);
  r = batch(DbCallKind::guarded_transaction,
            {DbStatement::like_exists(6, 1), DbStatement::counter_add(6, 5)});
  EXPECT_EQ(r.status, ReplyStatus::ok);
  EXPECT_EQ(r.replies[0].value, 1);
  EXPECT_EQ(r.replies[1].value, 5);
}

TEST_F(PostgresClientTest, LargeTransactionGoesInOneFlight) {
  // Far more than libpq's output buffer: sent in pieces as the socket takes them, while the
  // answers are read.
  std::vector<DbStatement> statements;
  for (int i = 0; i < 5000; ++i) {
    statements.push_back(DbStatement::counter_add(static_cast<PostId>(100 + i % 50), 1));
  }
  const std::uint64_t before = pg_->stats().round_trips;
  const BatchResult r = batch(DbCallKind::transaction, statements);
  EXPECT_EQ(pg_->stats().round_trips - before, 1u);
  EXPECT_EQ(r.status, ReplyStatus::ok);
  ASSERT_EQ(r.replies.size(), 5000u);
  EXPECT_EQ(r.replies[0].value, 1);
  EXPECT_EQ(r.replies[4999].value, 100);
  EXPECT_EQ(one(DbStatement::counter_read(149)).value, 100);
}

TEST_F(PostgresClientTest, ReadBatchAnswersEachRead) {
  EXPECT_EQ(one(DbStatement::insert_like_and_increment(11, 1)).value, 1);
  EXPECT_EQ(one(DbStatement::insert_like_and_increment(11, 2)).value, 1);
  const std::uint64_t before = pg_->stats().round_trips;
  const BatchResult r =
      batch(DbCallKind::read_batch, {DbStatement::counter_read(11), DbStatement::like_exists(11, 2),
                                     DbStatement::like_exists(11, 3), DbStatement::count_likes(11),
                                     DbStatement::counter_read(12)});
  EXPECT_EQ(pg_->stats().round_trips - before, 1u);
  EXPECT_EQ(r.status, ReplyStatus::ok);
  std::vector<std::int64_t> values;
  for (const DbReply& reply : r.replies) values.push_back(reply.value);
  EXPECT_EQ(values, (std::vector<std::int64_t>{2, 1, 0, 2, 0}));
}

Task<void> like_then_add(Db db, UserId user, int& ok, int& done) {
  const DbReply a = co_await db.run(DbStatement::insert_like_and_increment(20, user));
  const DbReply b = co_await db.run(DbStatement::counter_add(21, 1));
  DbBatch tx;
  tx.add(DbStatement::counter_add(22, 1));
  tx.add(DbStatement::counter_add(23, 2));
  const ReplyStatus c = co_await db.transaction(tx);
  if (a.status == ReplyStatus::ok && a.value == 1 && b.status == ReplyStatus::ok &&
      c == ReplyStatus::ok) {
    ++ok;
  }
  ++done;
}

TEST_F(PostgresClientTest, ManyConcurrentCallsOnASmallPoolAllComplete) {
  open(options(3, 10s));
  constexpr int kClients = 300;
  int ok = 0;
  int done = 0;
  for (int i = 0; i < kClients; ++i) {
    rt_.spawn(like_then_add(Db(*pg_), static_cast<UserId>(i), ok, done));
  }
  ASSERT_TRUE(rt_.run_until([&] { return done == kClients; }, rt_.now() + 60s));
  EXPECT_EQ(ok, kClients) << pg_->last_error();
  EXPECT_EQ(pg_->stats().max_busy, 3);
  EXPECT_EQ(pg_->busy_connections(), 0);
  EXPECT_EQ(pg_->stats().calls, 3u * kClients);
  EXPECT_EQ(pg_->stats().rejected + pg_->stats().failures, 0u);
  EXPECT_EQ(one(DbStatement::counter_read(20)).value, kClients);
  EXPECT_EQ(one(DbStatement::count_likes(20)).value, kClients);
  EXPECT_EQ(one(DbStatement::counter_read(21)).value, kClients);
  EXPECT_EQ(one(DbStatement::counter_read(23)).value, 2 * kClients);
}

TEST_F(PostgresClientTest, PoolTimeoutRejectsWhileTheOnlyConnectionIsHeld) {
  open(options(1, 150ms));
  EXPECT_EQ(one(DbStatement::counter_add(30, 1)).value, 1);
  RawConn holder;
  holder.exec("BEGIN");
  EXPECT_EQ(holder.exec("SELECT n FROM like_counts WHERE post_id = 30 FOR UPDATE"), "1");

  Pending held;
  Pending waiting;
  rt_.spawn(run_into(Db(*pg_), DbStatement::counter_add(30, 1), held));   // blocks on the lock
  rt_.spawn(run_into(Db(*pg_), DbStatement::counter_read(30), waiting));  // no connection
  const Time start = rt_.now();
  ASSERT_TRUE(rt_.run_until([&] { return waiting.done; }, start + 5s));
  EXPECT_EQ(waiting.reply.status, ReplyStatus::rejected);
  EXPECT_GE(rt_.now() - start, 140ms);
  EXPECT_FALSE(held.done);
  EXPECT_EQ(pg_->busy_connections(), 1);

  holder.exec("COMMIT");
  ASSERT_TRUE(rt_.run_until([&] { return held.done; }, rt_.now() + 5s));
  EXPECT_EQ(held.reply.status, ReplyStatus::ok);
  EXPECT_EQ(held.reply.value, 2);
  EXPECT_EQ(pg_->stats().rejected, 1u);
  EXPECT_EQ(pg_->stats().failures, 0u);
}

TEST_F(PostgresClientTest, StatementTimeoutEndsWithTimeout) {
  PostgresOptions o = options(1);
  o.statement_timeout = 300ms;
  open(o);
  EXPECT_EQ(one(DbStatement::counter_add(31, 1)).value, 1);
  RawConn holder;
  holder.exec("BEGIN");
  holder.exec("SELECT n FROM like_counts WHERE post_id = 31 FOR UPDATE");
  const Time start = rt_.now();
  const DbReply r = one(DbStatement::counter_add(31, 1));
  EXPECT_EQ(r.status, ReplyStatus::timeout);
  EXPECT_GE(rt_.now() - start, 250ms);
  EXPECT_LT(rt_.now() - start, 3s);
  holder.exec("ROLLBACK");
  EXPECT_EQ(one(DbStatement::counter_add(31, 1)).value, 2);  // the cancelled add did not land
}

// Setup is not a call: a TRUNCATE that waits for another session's lock longer than a call's
// statement timeout still empties the tables (CI once failed here when a session of the test
// before still held its lock).
TEST_F(PostgresClientTest, SetupWaitsForALockLongerThanTheStatementTimeout) {
  open(options(1));
  EXPECT_EQ(one(DbStatement::counter_add(32, 1)).value, 1);
  PostgresOptions o = options(1);
  o.statement_timeout = 100ms;
  open_without_schema(o);
  RawConn holder;
  holder.exec("BEGIN");
  holder.exec("SELECT n FROM like_counts WHERE post_id = 32 FOR UPDATE");
  std::thread release([&holder] {
    std::this_thread::sleep_for(400ms);
    holder.exec("COMMIT");
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_NO_THROW(pg_->truncate());
  release.join();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);  // it did wait for the lock
  EXPECT_EQ(pg_->query_value("SELECT count(*) FROM like_counts"), "0");
}

TEST_F(PostgresClientTest, KilledConnectionEndsTheCallThenReconnects) {
  open(options(1, 3s));
  EXPECT_EQ(one(DbStatement::counter_add(40, 1)).value, 1);
  const std::vector<int> pids = pg_->backend_pids();
  ASSERT_EQ(pids.size(), 1u);

  RawConn holder;
  RawConn monitor;
  holder.exec("BEGIN");
  holder.exec("SELECT n FROM like_counts WHERE post_id = 40 FOR UPDATE");
  Pending in_flight;
  rt_.spawn(run_into(Db(*pg_), DbStatement::counter_add(40, 1), in_flight));
  ASSERT_TRUE(wait_for_lock_wait(monitor, pids[0]));
  EXPECT_EQ(monitor.exec("SELECT pg_terminate_backend(" + std::to_string(pids[0]) + ")"), "t");
  ASSERT_TRUE(rt_.run_until([&] { return in_flight.done; }, rt_.now() + 5s));
  EXPECT_TRUE(in_flight.reply.status == ReplyStatus::timeout ||
              in_flight.reply.status == ReplyStatus::unavailable)
      << status_name(in_flight.reply.status);
  EXPECT_FALSE(pg_->last_error().empty());
  holder.exec("ROLLBACK");

  // The next call waits for the reconnect and succeeds.
  const DbReply after = one(DbStatement::counter_read(40));
  EXPECT_EQ(after.status, ReplyStatus::ok) << pg_->last_error();
  EXPECT_EQ(after.value, 1);  // killed while waiting for the lock: never applied
  const std::vector<int> now_pids = pg_->backend_pids();
  ASSERT_EQ(now_pids.size(), 1u);
  EXPECT_NE(now_pids[0], pids[0]);
  EXPECT_EQ(one(DbStatement::counter_add(40, 1)).value, 2);
}

TEST_F(PostgresClientTest, KilledIdleConnectionIsReplacedBeforeUse) {
  open(options(2));
  const std::vector<int> pids = pg_->backend_pids();
  ASSERT_EQ(pids.size(), 2u);
  RawConn monitor;
  for (int pid : pids) monitor.exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
  pump(300ms);  // they notice and reconnect
  EXPECT_EQ(pg_->backend_pids().size(), 2u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(one(DbStatement::counter_add(41, 1)).value, i + 1);
  EXPECT_EQ(pg_->stats().failures, 0u);
}

std::string construct_error(const std::string& conninfo) {
  boost::asio::io_context io;
  AsioRuntime rt(io);
  PostgresOptions o;
  o.conninfo = conninfo;
  o.connections = 2;
  try {
    PostgresClient pg(rt, o);
  } catch (const BackendError& e) {
    return e.what();
  }
  return "no error";
}

TEST(PostgresConnect, WrongPortFailsFastNamingTheAddress) {
  const auto start = std::chrono::steady_clock::now();
  const std::string what = construct_error("host=127.0.0.1 port=1 dbname=likesim user=likesim");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(what.rfind("postgres 127.0.0.1:1/likesim: ", 0), 0u) << what;
  EXPECT_NE(what.find("refused"), std::string::npos) << what;
  EXPECT_EQ(what.find('\n'), std::string::npos) << what;
}

TEST(PostgresConnect, RefusedLoginFailsNamingTheServer) {
  std::string what = construct_error("host=127.0.0.1 port=5433 dbname=no_such_db user=likesim");
  EXPECT_EQ(what.rfind("postgres 127.0.0.1:5433/no_such_db: ", 0), 0u) << what;
  EXPECT_NE(what.find("does not exist"), std::string::npos) << what;
  EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  what = construct_error("host=127.0.0.1 port=5433 dbname=likesim user=no_such_user");
  EXPECT_EQ(what.rfind("postgres 127.0.0.1:5433/likesim: ", 0), 0u) << what;
  EXPECT_NE(what.find("no_such_user"), std::string::npos) << what;
}

TEST(PostgresConnect, UnreachableHostFailsWithinConnectTimeout) {
  // TEST-NET-1: refused or unrouted at once here, blackholed elsewhere (connect_timeout).
  const auto start = std::chrono::steady_clock::now();
  const std::string what =
      construct_error("host=192.0.2.1 port=5433 dbname=likesim user=likesim connect_timeout=2");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(what.rfind("postgres 192.0.2.1:5433/likesim: ", 0), 0u) << what;
}

// A TCP proxy in front of the server, on a thread of its own: stop() is the server going
// down (listener closed, every connection cut), start() is it coming back on the same port.
class TcpProxy {
 public:
  explicit TcpProxy(std::uint16_t target) : target_(target) {
    listen(0);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TcpProxy() {
    on_thread([this] { cut(); });
    work_.reset();
    thread_.join();
  }
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::uint16_t port() const { return port_; }
  void stop() {
    on_thread([this] { cut(); });
  }
  void start() {
    on_thread([this] { listen(port_); });
  }

 private:
  using tcp = boost::asio::ip::tcp;
  struct Session {
    explicit Session(tcp::socket s) : client(std::move(s)), server(client.get_executor()) {}
    tcp::socket client;
    tcp::socket server;
    std::array<char, 16384> up{};
    std::array<char, 16384> down{};
    void close() {
      boost::system::error_code ignored;
      client.close(ignored);
      server.close(ignored);
    }
  };

  template <class F>
  void on_thread(F f) {
    std::promise<void> done;
    boost::asio::post(io_, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }

  void listen(std::uint16_t port) {
    acceptor_.open(tcp::v4());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind({boost::asio::ip::address_v4::loopback(), port});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept();
  }

  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket s) {
      if (ec) return;
      auto session = std::make_shared<Session>(std::move(s));
      sessions_.push_back(session);
      session->server.async_connect({boost::asio::ip::address_v4::loopback(), target_},
                                    [session](const boost::system::error_code& error) {
                                      if (error) return session->close();
                                      pump(session, session->client, session->server, session->up);
                                      pump(session, session->server, session->client,
                                           session->down);
                                    });
      accept();
    });
  }

  static void pump(std::shared_ptr<Session> s, tcp::socket& from, tcp::socket& to,
                   std::array<char, 16384>& buf) {
    from.async_read_some(
        boost::asio::buffer(buf),
        [s, &from, &to, &buf](const boost::system::error_code& ec, std::size_t n) {
          if (ec) return s->close();
          boost::asio::async_write(
              to, boost::asio::buffer(buf.data(), n),
              [s, &from, &to, &buf](const boost::system::error_code& error, std::size_t) {
                if (error) return s->close();
                pump(s, from, to, buf);
              });
        });
  }

  void cut() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& weak : sessions_) {
      if (auto s = weak.lock()) s->close();
    }
    sessions_.clear();
  }

  std::uint16_t target_;
  std::uint16_t port_ = 0;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  tcp::acceptor acceptor_{io_};
  std::vector<std::weak_ptr<Session>> sessions_;
  std::thread thread_;
};

TEST(PostgresServerDown, CallsEndUnavailableThenSucceedWhenItIsBack) {
  TcpProxy proxy(5433);
  boost::asio::io_context io;
  AsioRuntime rt(io);
  PostgresOptions o = options(2, 500ms);
  o.conninfo =
      "host=127.0.0.1 port=" + std::to_string(proxy.port()) + " dbname=likesim user=likesim";
  PostgresClient pg(rt, o);
  pg.create_schema();
  pg.truncate();
  EXPECT_EQ(rt.block_on(run_one(Db(pg), DbStatement::counter_add(50, 1)), 5s).value, 1);

  proxy.stop();
  rt.run_until([] { return false; }, rt.now() + 300ms);  // the pool notices, cannot reconnect
  EXPECT_TRUE(pg.backend_pids().empty());
  const Time start = rt.now();
  const DbReply down = rt.block_on(run_one(Db(pg), DbStatement::counter_add(50, 1)), 5s);
  EXPECT_EQ(down.status, ReplyStatus::unavailable);
  EXPECT_LT(rt.now() - start, 100ms);  // at once, not after pool_timeout
  EXPECT_NE(pg.last_error().find("refused"), std::string::npos) << pg.last_error();
  EXPECT_THROW(pg.query_value("SELECT 1"), BackendError);

  proxy.start();
  DbReply back{0, ReplyStatus::unavailable};
  const Time restart = rt.now();
  for (int i = 0; i < 100 && back.status != ReplyStatus::ok; ++i) {
    rt.run_until([] { return false; }, rt.now() + 50ms);
    back = rt.block_on(run_one(Db(pg), DbStatement::counter_add(50, 1)), 5s);
  }
  EXPECT_EQ(back.status, ReplyStatus::ok);
  EXPECT_EQ(back.value, 2);  // the call made while down was not applied
  EXPECT_LT(rt.now() - restart, 3s);
  EXPECT_EQ(pg.query_value("SELECT n FROM like_counts WHERE post_id = 50"), "2");
}

}  // namespace
}  // namespace likesim::real
