import type { SqlClient } from '@tally/event-store';

// The database's schema as sorted lines, from pg_catalog: relations, columns (in order, without
// their attribute numbers, which a dropped column leaves gaps in), constraints, indexes and
// functions (their source by md5) of every schema but the system ones. Two databases with the
// same lines have the same schema.

const SCHEMAS = `n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'`;

const DUMP = `
SELECT format('relation %s.%s kind %s', n.nspname, c.relname, c.relkind) AS line
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE ${SCHEMAS}
UNION ALL
SELECT format('column %s.%s #%s %s %s%s%s', n.nspname, c.relname,
              row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), a.attname,
              format_type(a.atttypid, a.atttypmod), CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
              coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), ''))
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE ${SCHEMAS} AND c.relkind IN ('r', 'p', 'v') AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT format('constraint %s.%s on %s %s', n.nspname, con.conname, con.conrelid::regclass,
              pg_get_constraintdef(con.oid))
  FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
 WHERE ${SCHEMAS}
UNION ALL
SELECT format('index %s.%s %s', i.schemaname, i.indexname, i.indexdef)
  FROM pg_indexes i JOIN pg_namespace n ON n.nspname = i.schemaname
 WHERE ${SCHEMAS}
UNION ALL
SELECT format('function %s.%s(%s) returns %s, source md5 %s', n.nspname, p.proname,
              pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid), md5(p.prosrc))
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE ${SCHEMAS}`;

export async function dumpSchema(sql: SqlClient): Promise<string[]> {
  const rows = await sql.query<{ line: string }>(DUMP);
  return rows.map((row) => row.line).sort();
}
