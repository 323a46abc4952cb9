/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader-common.h - checks and conversions every format reader shares, so
 * that a bad address, port, protocol, time, name or label is refused with
 * the same words whatever the format.
 *
 * Each function that takes a @field names it in its message, quoted:
 * "\"connection.dest_port\": port outside 0-65535: \"70000\"".  Values are
 * quoted as given (at most 64 bytes); ingest makes them printable.  Strings
 * stored in an endpoint are copied into the caller's arena.  Unless said
 * otherwise, functions return 0, FP_EINPUT with @err set, or FP_ENOMEM.
 */
#ifndef FP_READER_COMMON_H
#define FP_READER_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/err.h"
#include "lib/flow.h"
#include "lib/util-arena.h"
#include "lib/util-buf.h"
#include "lib/util-csv.h"

#define FP_READER_MAX_LABELS 256
/* Counts above this are refused: sums of them must never overflow. */
#define FP_READER_MAX_COUNT 1000000000000ULL

/* An IPv4 or IPv6 address. */
int fp_reader__addr(struct fp_addr *out, const char *field, const char *s, size_t len,
		    struct fp_err *err);
/* A port: decimal digits, 0-65535. */
int fp_reader__port(uint16_t *out, const char *field, const char *s, size_t len,
		    struct fp_err *err);
/*
 * A protocol a NetworkPolicy can speak of, by name in any case ("tcp",
 * "UDP", "SCTP", "ICMP", "ICMPv6", "IPv6-ICMP") or IANA number (1, 6, 17,
 * 58, 132).  Anything else is an unknown protocol.
 */
int fp_reader__proto(uint8_t *out, const char *field, const char *s, size_t len,
		     struct fp_err *err);
/* Decimal digits, at most @max. */
int fp_reader__uint(uint64_t *out, const char *field, const char *s, size_t len,
		    uint64_t max, struct fp_err *err);
/* A connection count: 1 to FP_READER_MAX_COUNT. */
int fp_reader__count(uint64_t *out, const char *field, uint64_t n, struct fp_err *err);

/*
 * A time: RFC 3339, "YYYY-MM-DD HH:MM:SS[.frac]" or "YYYY/MM/DD ..."
 * without a zone (read as UTC: ClickHouse DateTime columns and Go's log
 * package write these), or Unix seconds with an optional fraction.
 */
int fp_reader__time(int64_t *out, const char *field, const char *s, size_t len,
		    struct fp_err *err);
/* Unix seconds from a JSON integer or real (fraction dropped). */
int fp_reader__time_json(int64_t *out, const char *field, json_t *v, struct fp_err *err);

/* Set @ep's namespace (a DNS-1123 label), pod or workload name (a DNS-1123
 * subdomain), or workload kind (letters only). */
int fp_reader__set_ns(struct fp_endpoint *ep, struct fp_arena *arena, const char *field,
		      const char *s, size_t len, struct fp_err *err);
int fp_reader__set_pod(struct fp_endpoint *ep, struct fp_arena *arena, const char *field,
		       const char *s, size_t len, struct fp_err *err);
int fp_reader__set_workload(struct fp_endpoint *ep, struct fp_arena *arena,
			    const char *field, const char *s, size_t len,
			    struct fp_err *err);
int fp_reader__set_workload_kind(struct fp_endpoint *ep, struct fp_arena *arena,
				 const char *field, const char *s, size_t len,
				 struct fp_err *err);

/* Add one label to @ep after checking key and value. */
int fp_reader__add_label(struct fp_endpoint *ep, struct fp_arena *arena,
			 const char *field, const char *key, size_t klen,
			 const char *value, size_t vlen, struct fp_err *err);
/* Add the labels of a JSON object of strings ({"app":"web"}). */
int fp_reader__labels_json(struct fp_endpoint *ep, struct fp_arena *arena,
			   const char *field, json_t *obj, struct fp_err *err);
/*
 * Add labels written as text: a JSON object ("{\"app\":\"web\"}", as
 * Antrea and ClickHouse store them) or "k=v,k=v" (flowpol's own form).
 * Empty text, "{}" and "null" add nothing.
 */
int fp_reader__labels_text(struct fp_endpoint *ep, struct fp_arena *arena,
			   const char *field, const char *s, size_t len,
			   struct fp_err *err);

/*
 * Parse @len bytes as one JSON value, rejecting duplicate keys, like
 * fp_json_load(), but saying "trailing comma" where there is one and giving
 * the line of a multi-line text.  *@line_out (may be NULL) receives the
 * 1-based line of the error within @text, 0 when none.
 */
int fp_reader__json_load(json_t **out, long *line_out, const char *text, size_t len,
			 struct fp_err *err);

/* The first field of @obj among @keys (NULL-terminated) that is present. */
json_t *fp_reader__json_any(json_t *obj, const char *const *keys, const char **key_out);

/*
 * Records that span lines: a pretty-printed JSON object starts with a line
 * holding only "{" and ends where its braces balance.  Embedded by a
 * reader's per-file state; init before use, done to release.
 */
#define FP_READER_MULTILINE_MAX ((size_t)1 << 20)
#define FP_READER_MULTILINE_MAX_LINES 4096

struct fp_reader__multiline {
	struct fp_buf text; /* the lines so far, each ending in '\n' */
	long lines;
	int depth;
	bool active, in_string, escape;
	bool overflow; /* over FP_READER_MULTILINE_MAX(_LINES): given up */
};

void fp_reader__multiline_init(struct fp_reader__multiline *ml);
void fp_reader__multiline_done(struct fp_reader__multiline *ml);
/* Forget the record gathered so far. */
void fp_reader__multiline_reset(struct fp_reader__multiline *ml);
/*
 * Offer a line.  Returns 2 when the line starts or continues a record that
 * is not complete yet, 1 when it completes one (in ml->text; check
 * ml->overflow, then reset), 0 when the line is a record of its own, or
 * FP_ENOMEM.
 */
int fp_reader__multiline_feed(struct fp_reader__multiline *ml, const char *line,
			      size_t len);

/*
 * Tables: formats that come as CSV with a header line or as JSON objects
 * with the same names.  A reader lists the names it reads; the header
 * tells where each one is.
 */
#define FP_READER_MAX_COLUMNS 64

struct fp_reader__table {
	const char *const *names;	/* the names a reader reads, NULL-terminated */
	int idx[FP_READER_MAX_COLUMNS]; /* the CSV column of each, -1 when absent */
	size_t n_columns;		/* columns the header has */
	bool have_header;
};

/*
 * Read a header row.  With @strict, a column that is not one of t->names
 * is an error (a misspelt column must not silently read as absent); a name
 * given twice always is.  @alias (may be NULL) maps a header name to one
 * of t->names, or returns NULL.
 */
int fp_reader__table_header(struct fp_reader__table *t, const struct fp_csv_row *row,
			    bool strict, const char *(*alias)(const char *name),
			    struct fp_err *err);

/* One record: a JSON object, or a CSV row under a table's header. */
struct fp_reader__view {
	const struct fp_reader__table *table;
	json_t *obj;		      /* JSON: the record */
	bool nested;		      /* JSON: "src_ip" may be {"src":{"ip":..}} */
	const struct fp_csv_row *row; /* CSV: the row */
	struct fp_arena *arena;
	int column; /* CSV: column of the last value read */
};

/*
 * The value of t->names[@i] as text (numbers and booleans written out),
 * or *@s = NULL when absent, null or empty.  When @json_out is not NULL
 * and the JSON value is an object, it is returned there instead (labels).
 */
int fp_reader__view_get(const char **s, size_t *len, json_t **json_out,
			struct fp_reader__view *v, int i, struct fp_err *err);

/* Set the column of an error that has none yet (CSV readers). */
void fp_reader__at_column(struct fp_err *err, int column);

/* Is @s one of the words logs write for "no value": "", "-", "null", "<nil>"? */
bool fp_reader__is_none(const char *s, size_t len);

#endif
