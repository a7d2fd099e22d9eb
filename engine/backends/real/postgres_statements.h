// The SQL behind db.h's statements: schema, prepared statement texts and their parameters.
//
// Every DbVerb has one prepared statement whose first column of the first row (or, for a
// statement without RETURNING, its row count) is the reply's value, as the simulator answers
// it. The guard of a guarded transaction is a plpgsql function that advances the offset or
// raises kGuardSqlState, which aborts the rest of the pipeline.
//
//   const PreparedSql& sql = prepared_sql(DbVerb::counter_add);
//   TextParams p(DbStatement::counter_add(7, +1));
//   PQsendQueryPrepared(conn, sql.name, p.count, p.values, nullptr, nullptr, 0);
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "engine/backends/db.h"

namespace likesim::real::pg {

struct PreparedSql {
  const char* name;
  const char* text;
  int params;                     // $1 = post (advance_offset: partition), $2 = user or arg
  std::array<unsigned, 2> types;  // parameter type OIDs
  bool counts_rows;               // the value is the row count (no result rows)
};

const PreparedSql& prepared_sql(DbVerb verb);
// advance_offset as the first statement of a guarded transaction: raises when not advanced.
const PreparedSql& guard_sql();
// Everything a connection prepares before its first call.
std::span<const PreparedSql> all_prepared_sql();

// The SQLSTATE the guard raises when the offset is already applied.
inline constexpr const char* kGuardSqlState = "LS001";

// The schema's objects, each with a query answering 't' when it exists.
struct SchemaObject {
  const char* kind;  // "table" or "function"
  const char* name;
  const char* exists_query;
};
std::span<const SchemaObject> schema_objects();
// Creates whatever is missing (and replaces the guard function): one script, idempotent.
const char* schema_script();
const char* truncate_script();

// A statement's parameters as text, in buffers of its own.
class TextParams {
 public:
  TextParams(const DbStatement& s, const PreparedSql& sql);
  TextParams(const TextParams&) = delete;
  TextParams& operator=(const TextParams&) = delete;

  int count = 0;
  const char* values[2] = {nullptr, nullptr};

 private:
  char buf_[2][24] = {};
};

// Parses a value as libpq returns it in text format (an integer, a count, "t"/"f").
std::int64_t parse_value(const char* text);

}  // namespace likesim::real::pg
