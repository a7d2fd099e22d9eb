// The final check's reader of the real servers (engine/backends/real/backend_state_reader.h):
// a server it cannot read is an error naming that server after its retries, never an empty
// (all-zero) state. What it reads back from working servers is checked by the real
// StrategySemantics cases (stored_count / stored_likers) and RealRun's sim-vs-real tests.
#include "engine/backends/real/backend_state_reader.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <memory>

#include "engine/backends/real/backend_error.h"
#include "engine/backends/real/postgres_statements.h"
#include "engine/scenario/scenario.h"

namespace likesim {
namespace {

real::StateReaderOptions servers(const std::string& redis, bool cluster, const std::string& pg) {
  real::StateReaderOptions o;
  o.redis = *real::parse_endpoints(redis);
  o.cluster = cluster;
  o.pg_conninfo = pg;
  o.pg_name = "postgres under test";
  o.attempts = 2;
  o.retry_delay = std::chrono::milliseconds(10);
  o.timeout = std::chrono::milliseconds(2000);
  return o;
}

std::string error_of(const real::StateReaderOptions& o) {
  try {
    real::read_backend_state(o);
  } catch (const real::BackendError& e) {
    return e.what();
  }
  return "";
}

TEST(BackendStateReader, AnUnreachableRedisIsAnErrorNamingIt) {
  const std::string e = error_of(servers("127.0.0.1:1", false, RealServers{}.pg));
  EXPECT_NE(e.find("redis 127.0.0.1:1: final check: cannot read the state after 2 tries"),
            std::string::npos)
      << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

TEST(BackendStateReader, AnUnreachableClusterIsAnErrorNamingIt) {
  const std::string e = error_of(servers("127.0.0.1:1,127.0.0.1:2", true, RealServers{}.pg));
  EXPECT_NE(e.find("redis cluster 127.0.0.1:1,127.0.0.1:2"), std::string::npos) << e;
}

TEST(BackendStateReader, AnUnreachablePostgresIsAnErrorNamingIt) {
  const std::string e =
      error_of(servers(RealServers{}.redis, false,
                       "host=127.0.0.1 port=1 dbname=likesim user=likesim connect_timeout=2"));
  EXPECT_NE(e.find("postgres under test: final check: cannot read the state"), std::string::npos)
      << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

// The schema a run creates before it starts: the reader reads its tables, and on a fresh server
// no earlier test may have made them.
void create_schema(const std::string& conninfo) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(conninfo.c_str()), &PQfinish);
  ASSERT_EQ(PQstatus(c.get()), CONNECTION_OK) << PQerrorMessage(c.get());
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), real::pg::schema_script()),
                                                  &PQclear);
  ASSERT_EQ(PQresultStatus(r.get()), PGRES_COMMAND_OK) << PQerrorMessage(c.get());
}

// The Cluster's masters are found from its seeds and each is read.
TEST(BackendStateReader, ReadsEveryMasterOfTheCluster) {
  create_schema(RealServers{}.pg);
  EXPECT_NO_THROW(real::read_backend_state(
      servers("127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103", true, RealServers{}.pg)));
}

}  // namespace
}  // namespace likesim
