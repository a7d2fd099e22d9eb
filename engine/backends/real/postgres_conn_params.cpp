#include "engine/backends/real/postgres_conn_params.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>

#include "engine/backends/real/backend_error.h"

namespace likesim::real {
namespace {

constexpr int kDefaultConnectTimeoutS = 5;
// Setup on the admin connection waits this long for a lock another session holds, then fails
// naming the server: long enough for a closing session to let go, short of a hang.
constexpr int kAdminLockTimeoutMs = 30000;

std::string server_name(const ConnParams& p) {
  auto value = [&](std::string_view k, const char* fallback) {
    const std::string* v = p.get(k);
    return v != nullptr && !v->empty() ? *v : std::string(fallback);
  };
  std::string host = value("host", "");
  if (host.empty()) host = value("hostaddr", "local");  // libpq's default: the Unix socket
  const std::string* user = p.get("user");
  return "postgres " + host + ":" + value("port", "5432") + "/" +
         value("dbname", user != nullptr ? user->c_str() : "postgres");
}

}  // namespace

PostgresConnSettings postgres_conn_settings(const PostgresOptions& options) {
  ConnParams params;
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.conninfo.c_str(), &err);
  if (parsed == nullptr) {
    const std::string what = err != nullptr ? err : "out of memory";
    PQfreemem(err);
    throw BackendError("postgres",
                       "bad conninfo '" + options.conninfo + "': " + libpq_message(what));
  }
  for (PQconninfoOption* opt = parsed; opt->keyword != nullptr; ++opt) {
    if (opt->val != nullptr) params.set(opt->keyword, opt->val);
  }
  PQconninfoFree(parsed);
  PostgresConnSettings s;
  s.name = server_name(params);
  if (params.get("connect_timeout") == nullptr) {
    params.set("connect_timeout", std::to_string(kDefaultConnectTimeoutS));
  }
  s.connect_timeout =
      std::chrono::seconds(std::max(2, std::atoi(params.get("connect_timeout")->c_str())));
  const std::string opts = params.get("options") != nullptr ? *params.get("options") + " " : "";
  s.admin = params;
  // The statement timeout bounds a call of the workload. Setup and final reads (TRUNCATE, a
  // count over every like) are not calls: cut at a call's 300 ms, a TRUNCATE that waits for a
  // just-closed session's lock fails the run. They get a bound on lock waits instead.
  s.admin.set("options", opts + "-c statement_timeout=0 -c lock_timeout=" +
                             std::to_string(kAdminLockTimeoutMs));
  s.admin.set("application_name", "likesim-admin");
  params.set("options",
             opts + "-c statement_timeout=" + std::to_string(options.statement_timeout.count()));
  if (params.get("application_name") == nullptr) params.set("application_name", "likesim");
  s.pool = std::move(params);
  return s;
}

// libpq's messages span lines ("connection to server at ... failed: ...\n\tIs the server
// running..."); a BackendError is one line: the part after "failed: ", whitespace collapsed.
std::string libpq_message(std::string_view msg) {
  if (auto at = msg.find(" failed: "); at != std::string_view::npos) msg.remove_prefix(at + 9);
  if (auto nl = msg.find('\n'); nl != std::string_view::npos) msg = msg.substr(0, nl);
  std::string out;
  bool space = false;
  for (char ch : msg) {
    if (ch == ' ' || ch == '\t' || ch == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += ch;
  }
  return out.empty() ? "unknown error" : out;
}

}  // namespace likesim::real
