// PostgresClient: the real Db — libpq's asynchronous API in pipeline mode, driven by Asio.
//
// A pool of connections, each with the statements of db.h prepared once. A call (one
// statement, a transaction, a guarded transaction or a read batch) takes one idle connection
// and is sent whole in pipeline mode — the statements and a sync in one flight — so it costs
// one round trip, as the simulator charges it. The statements before a sync are one
// transaction (the pipeline's implicit one: committed at the sync, rolled back there if one
// failed; an explicit BEGIN would leave the session in an aborted transaction, holding its
// row locks, until a ROLLBACK a round trip later). A guarded transaction's first statement is
// a function that raises when the offset is already applied, which aborts the rest of the
// pipeline and rolls the transaction back, still in one round trip (a guarded call whose
// first statement is not advance_offset sends it alone first: two round trips, not atomic).
// A read batch has a sync after each read, so they are independent.
// Calls wait for an idle connection up to pool_timeout, then end `rejected`.
//
//   real::PostgresClient pg(rt, {.conninfo = "host=127.0.0.1 port=5433 dbname=likesim"});
//   pg.create_schema();        // blocking; says what it creates
//   Db db(pg);                 // strategies see only Db
//
// Failure is data: a call whose connection breaks ends with timeout (it may have committed);
// calls made while the server is down end with unavailable; a statement the server cancels
// (statement_timeout) ends with timeout, other server errors with error (a transaction's
// replies all carry its failure). Broken connections reconnect in the background. Only the
// constructor and the blocking setup calls throw (BackendError, naming the server).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/backends/db.h"
#include "engine/backends/real/asio_runtime.h"

namespace likesim::real {

struct PostgresOptions {
  std::string conninfo = "host=127.0.0.1 port=5433 dbname=likesim user=likesim";
  int connections = 16;
  std::chrono::milliseconds pool_timeout{1000};
  std::chrono::milliseconds statement_timeout{5000};  // server side, per call (not setup)
};

class PostgresClient final : public DbExecutor {
 public:
  PostgresClient(AsioRuntime& rt, PostgresOptions options);
  ~PostgresClient() override;
  PostgresClient(const PostgresClient&) = delete;
  PostgresClient& operator=(const PostgresClient&) = delete;

  void submit(DbCall* call) override;

  // Blocking setup, before a run. create_schema() makes likes (PRIMARY KEY (post_id,
  // user_id)), like_counts, consumer_offsets and the offset guard function if missing and
  // returns one line saying what it did; truncate() empties them.
  std::string create_schema();
  void truncate();
  // Runs one SQL text, blocking (calibration, tests): the first column of the first row.
  std::string query_value(const std::string& sql);

  // The server, as "postgres host:port/dbname" for messages.
  const std::string& name() const;
  struct Stats {
    std::uint64_t calls = 0;
    std::uint64_t statements = 0;
    std::uint64_t rejected = 0;     // pool wait timed out
    std::uint64_t failures = 0;     // timeouts, unavailable, errors
    std::uint64_t round_trips = 0;  // flights sent: one per call (see above)
    int max_busy = 0;
  };
  const Stats& stats() const;
  int busy_connections() const;
  int connections() const;
  // The server process ids of the pool's connected connections (tests kill them).
  std::vector<int> backend_pids() const;
  // The last failure seen (a server error, a broken connection), one line; empty if none.
  const std::string& last_error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace likesim::real
