/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ingest-chunk.c - a file in chunks: read in order, parsed in parallel,
 * folded in order.
 *
 * The input is cut into chunks of whole lines (lib/ingest-pipe.c runs the
 * steps).  Reading a chunk, decompression included, happens one chunk at a
 * time; the lines of a chunk are parsed and folded into a table of its own
 * by any thread; the chunk tables are then merged into the file's table in
 * line order, and only there are rejected lines reported, counted against
 * the error budget, and the memory budget checked.  Chunk boundaries depend
 * only on the input, so the result (tuples, endpoint order, spills, every
 * message) is the same with one thread or several.
 */
#include "config.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/endpoint.h"
#include "lib/ingest-int.h"
#include "lib/ingest-pipe.h"
#include "lib/util-arena.h"
#include "lib/util-str.h"

/* Line bytes per chunk: large enough that merging costs little next to parsing. */
#define CHUNK_BYTES ((size_t)2 << 20)
#define MAX_THREADS 16

/* A line the input could not give (too long, damaged gzip), in record order. */
struct input_error {
	size_t index;
	struct fp_err err;
};

struct reject {
	long line;
	int column;
	enum fp_status code;
	char *text;
};

struct counts {
	uint64_t lines, records, connections, skipped;
	uint64_t skip[FP_SKIP__COUNT];
	int64_t first, last;
};

struct chunk {
	/* filled by fetch() */
	char *buf; /* the lines, back to back */
	size_t len, cap;
	uint32_t *lens; /* per record: the line's length (0 for input errors) */
	size_t cap_lens;
	long first_line;  /* number of the first record */
	size_t n_records; /* lines and input errors */
	struct input_error *ierr;
	size_t n_ierr, cap_ierr;
	int fatal;        /* after the records: an error that ends the file */
	struct fp_err fatal_err;
	uint64_t raw_offset;
	const struct fp_reader *rd;
	long replay; /* lines up to this one were counted by an earlier source */
	/* A document cut into records: each record's line, and the lines
	 * are counted by fetch() (records and lines are not one to one). */
	bool split;
	long *line_of;
	size_t cap_line_of;
	bool last;
	/* filled by parse() */
	bool parsed;
	int status; /* FP_ENOMEM */
	struct fp_flowtab *tab;
	struct counts counts;
	struct reject *rej;
	size_t n_rej, cap_rej;
};

/*
 * A thread's reader state and arena.  The arena is written for every line:
 * workers get a cache line each, or two threads would fight over one.
 */
struct worker {
	alignas(64) const struct fp_reader *rd;
	void *state;
	struct fp_arena arena;
};

struct run {
	struct fp_ingest_job *job;
	struct worker seq; /* for readers that must see every line in order */
};

static void
worker_done(struct worker *w)
{
	if (w->rd != NULL && w->rd->state_free != NULL)
		w->rd->state_free(w->state);
	w->rd = NULL;
	w->state = NULL;
	fp_arena_done(&w->arena);
}

static void
chunk_clear(struct chunk *c)
{
	for (size_t i = 0; i < c->n_rej; i++)
		free(c->rej[i].text);
	c->n_rej = 0;
	c->len = 0;
	c->n_records = 0;
	c->n_ierr = 0;
	c->fatal = 0;
	c->last = false;
	c->parsed = false;
	c->status = 0;
	c->rd = NULL;
	c->split = false;
	memset(&c->counts, 0, sizeof(c->counts));
	c->counts.first = INT64_MAX;
	c->counts.last = INT64_MIN;
	if (c->tab != NULL)
		fp_flowtab_reset(c->tab);
	/* one huge line must not keep its memory for the rest of the file */
	if (c->cap > 4 * CHUNK_BYTES) {
		free(c->buf);
		c->buf = NULL;
		c->cap = 0;
	}
	if (c->cap_lens > CHUNK_BYTES / 16) {
		free(c->lens);
		c->lens = NULL;
		c->cap_lens = 0;
	}
}

static void
chunk_free(struct chunk *c)
{
	if (c == NULL)
		return;
	chunk_clear(c);
	free(c->buf);
	free(c->lens);
	free(c->line_of);
	free(c->ierr);
	free(c->rej);
	fp_flowtab_free(c->tab);
	free(c);
}

static bool
is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* ---- fetch: whole lines, in order ---- */

/* Room for one more record's length. */
static bool
add_record(struct chunk *c, uint32_t len)
{
	if (c->n_records == c->cap_lens) {
		size_t cap = c->cap_lens ? c->cap_lens * 2 : 4096;
		uint32_t *v = realloc(c->lens, cap * sizeof(*v));

		if (v == NULL)
			return false;
		c->lens = v;
		c->cap_lens = cap;
	}
	c->lens[c->n_records++] = len;
	return true;
}

static bool
add_line(struct chunk *c, const char *line, size_t len)
{
	if (c->len + len > c->cap) {
		size_t cap = c->cap ? c->cap : CHUNK_BYTES + 4096;
		char *p;

		while (cap < c->len + len)
			cap *= 2;
		p = realloc(c->buf, cap);
		if (p == NULL)
			return false;
		c->buf = p;
		c->cap = cap;
	}
	/* fp_input caps lines at FP_INPUT_MAX_LINE, far below 4 GiB */
	if (!add_record(c, (uint32_t)len))
		return false;
	/* an empty first line: c->buf may still be NULL */
	if (len > 0)
		memcpy(c->buf + c->len, line, len);
	c->len += len;
	return true;
}

static bool
add_input_error(struct chunk *c, const struct fp_err *e)
{
	if (c->n_ierr == c->cap_ierr) {
		size_t cap = c->cap_ierr ? c->cap_ierr * 2 : 8;
		struct input_error *v = realloc(c->ierr, cap * sizeof(*v));

		if (v == NULL)
			return false;
		c->ierr = v;
		c->cap_ierr = cap;
	}
	c->ierr[c->n_ierr].index = c->n_records;
	c->ierr[c->n_ierr].err = *e;
	c->n_ierr++;
	return true;
}

static void
fatal(struct chunk *c, int code, const struct fp_err *e)
{
	c->fatal = code;
	c->fatal_err = *e;
	c->last = true;
}

static const struct fp_reader *
choose_reader(struct fp_ingest_job *job, const char *line, size_t len)
{
	const struct fp_reader *rd;

	if (job->ing->opts.format != NULL) {
		rd = fp_reader_find(job->ing->opts.format);
		job->stats->detected = false;
	} else {
		rd = fp_reader_detect(line, len);
		job->stats->detected = true;
	}
	job->stats->format = rd != NULL ? rd->name : NULL;
	return rd;
}

/*
 * How far detection reads into a document printed over many lines: its
 * first object's keys are near the top, and a file that is not a flow log
 * must not be read whole to say so.
 */
#define SNIFF_LINES 256
#define SNIFF_BYTES ((size_t)64 << 10)

static size_t
indent_of(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* A line that closes what fp_jsplit_opens() opened, at its indentation. */
static bool
closes_document(const char *s, size_t len, size_t indent)
{
	return indent_of(s, len) == indent && len > indent && (s[indent] == '}' || s[indent] == ']');
}

enum { SNIFF_FAIL = -1, SNIFF_MORE = 0, SNIFF_DONE = 1 };

/*
 * The reader for a file, from its first non-blank line @line (already
 * added to @c), or from the lines of the document it opens.  Returns
 * SNIFF_DONE with job->rd set, SNIFF_MORE while a document is being read,
 * or SNIFF_FAIL.  @eof: the file ended before this line.
 */
static int
sniff(struct fp_ingest_job *job, struct chunk *c, const char *line, size_t len, long lineno,
      bool eof)
{
	bool enough;

	if (job->sniff_lines == 0) {
		size_t indent = indent_of(line, len);

		job->sniff_at = c->len - len;
		job->sniff_rec = c->n_records - 1;
		job->sniff_doc = fp_jsplit_opens(line, len);
		job->rd = choose_reader(job, line, len);
		if (job->rd != NULL)
			return SNIFF_DONE;
		if (job->ing->opts.format != NULL || !job->sniff_doc)
			return SNIFF_FAIL;
		job->sniff_line = lineno;
		job->sniff_indent = indent;
		job->sniff_lines = 1;
		return SNIFF_MORE;
	}
	if (!eof)
		job->sniff_lines++;
	enough = eof || job->sniff_lines >= SNIFF_LINES || c->len - job->sniff_at >= SNIFF_BYTES ||
		 closes_document(line, len, job->sniff_indent);
	if (!enough)
		return SNIFF_MORE;
	/* the lines back to back: the keys detection looks for are whole;
	 * an array's first element is what a reader would be given */
	{
		const char *t = c->buf + job->sniff_at;
		size_t n = c->len - job->sniff_at;

		while (n > 0 && (*t == ' ' || *t == '\t'))
			t++, n--;
		if (n > 0 && *t == '[') {
			t++, n--;
			while (n > 0 && (*t == ' ' || *t == '\t' || *t == '\r'))
				t++, n--;
		}
		job->rd = choose_reader(job, t, n);
	}
	job->sniff_lines = 0;
	return job->rd != NULL ? SNIFF_DONE : SNIFF_FAIL;
}

static void
unknown_format(struct fp_ingest_job *job, struct chunk *c, long lineno)
{
	const char *f = job->ing->opts.format, *name = fp_input_name(job->in);
	size_t n = c->len - job->sniff_at;
	struct fp_err lerr;

	lerr.code = FP_OK; /* fp_err_set() keeps an error already set */
	if (f != NULL)
		fp_err_set(&lerr, FP_EINPUT, name, lineno, 0, "unknown format '%s'", f);
	else if (n > 0 && fp_contains(c->buf + job->sniff_at, n, "\"apiVersion\"") &&
		 fp_contains(c->buf + job->sniff_at, n, "\"kind\""))
		/* kubectl's output given to the wrong command: say which reads it */
		fp_err_set(&lerr, FP_EINPUT, name, lineno, 0,
			   "Kubernetes objects, not a flow log: load them with "
			   "'flowpol inventory' (or 'run -i')");
	else
		fp_err_set(&lerr, FP_EINPUT, name, lineno, 0,
			   "cannot tell the format of this file; name it with -f");
	/* the lines read to tell the format are not records of any reader */
	c->len = job->sniff_at;
	c->n_records = job->sniff_rec;
	job->sniff_lines = 0;
	fatal(c, FP_EINPUT, &lerr);
}

/* ---- documents: records over many lines, or many on one ---- */

static bool start_split(struct fp_ingest_job *job, struct chunk *c);

/*
 * Once the reader is known: a document is cut into records.  A reader with
 * records of its own over several lines (finish() says when one is left
 * open) reads a document of one object as it is, with its own messages.
 */
static bool
maybe_split(struct fp_ingest_job *job, struct chunk *c)
{
	const char *first = c->buf + job->sniff_at;

	if (!job->sniff_doc)
		return true;
	while (*first == ' ' || *first == '\t')
		first++;
	if (job->rd->finish != NULL && *first != '[')
		return true;
	return start_split(job, c);
}

/* The line of the chunk's last record, once records are split. */
static bool
note_line(struct chunk *c, long lineno)
{
	if (c->n_records > c->cap_line_of) {
		size_t cap = c->cap_lens > c->n_records ? c->cap_lens : c->n_records;
		long *v = realloc(c->line_of, cap * sizeof(*v));

		if (v == NULL)
			return false;
		c->line_of = v;
		c->cap_line_of = cap;
	}
	c->line_of[c->n_records - 1] = lineno;
	return true;
}

struct split_ctx {
	struct fp_ingest_job *job;
	struct chunk *c;
	bool eof; /* records given now were left open by the file's end */
};

static int
split_emit(void *ctx, const char *text, size_t len, long line)
{
	struct split_ctx *sc = ctx;
	struct fp_err e;

	/*
	 * Complete before the file grew, it was counted then: the splitter
	 * gives the same records from the same bytes, in order.  One still
	 * open then was rejected as cut off, and is read whole now.
	 */
	if (!sc->eof && sc->job->split_records++ < sc->job->replay_records)
		return 0;
	if (text == NULL) {
		e.code = FP_OK;
		fp_err_set(&e, FP_EINPUT, fp_input_name(sc->job->in), line, 0,
			   "a JSON record of %zu bytes, longer than any flow: skipped", len);
		if (!add_input_error(sc->c, &e) || !add_record(sc->c, 0))
			return FP_ENOMEM;
	} else if (!add_line(sc->c, text, len)) {
		return FP_ENOMEM;
	}
	return note_line(sc->c, line) ? 0 : FP_ENOMEM;
}

/* One line of a split document: its records, and the line counted. */
static bool
split_line(struct fp_ingest_job *job, struct chunk *c, const char *line, size_t len, long lineno)
{
	struct split_ctx sc = { job, c, false };
	int n = fp_jsplit_feed(job->split, line, len, lineno, split_emit, &sc);

	if (n < 0)
		return false;
	job->next_line = lineno + 1;
	if (lineno > job->replay) {
		c->counts.lines++;
		if (n == 0) {
			/* "[", "]", or a line inside a record */
			c->counts.skip[FP_SKIP_PART]++;
			c->counts.skipped++;
		}
	}
	return true;
}

/*
 * A line fetch() could not read (too long, or damaged gzip data): a rejected
 * line.  In a split document it is a line of its own, counted here, and
 * left out when an earlier read of the file counted it.
 */
static bool
input_error(struct fp_ingest_job *job, struct chunk *c, const struct fp_err *e, long lineno)
{
	if (!c->split)
		return add_input_error(c, e) && add_record(c, 0);
	job->next_line = lineno + 1;
	if (lineno <= job->replay)
		return true;
	c->counts.lines++;
	return add_input_error(c, e) && add_record(c, 0) && note_line(c, lineno);
}

/*
 * The document sniff() read is to be cut into records: the chunk's lines so
 * far (blank ones, then the document's first) are given to the splitter
 * again, and input errors among them keep their place.
 */
static bool
start_split(struct fp_ingest_job *job, struct chunk *c)
{
	size_t n = c->n_records, n_errs = c->n_ierr, e = 0;
	char *text = malloc(c->len + 1);
	uint32_t *lens = malloc((n + 1) * sizeof(*lens));
	struct input_error *errs = malloc((n_errs + 1) * sizeof(*errs));
	const char *p;
	bool ok = false;

	job->split = malloc(sizeof(*job->split));
	if (job->split != NULL)
		fp_jsplit_init(job->split);
	if (text == NULL || lens == NULL || errs == NULL || job->split == NULL)
		goto out;
	if (c->len > 0)
		memcpy(text, c->buf, c->len);
	memcpy(lens, c->lens, n * sizeof(*lens));
	if (n_errs > 0) /* c->ierr is NULL until the first */
		memcpy(errs, c->ierr, n_errs * sizeof(*errs));
	c->n_records = c->n_ierr = c->len = 0;
	c->split = true;
	p = text;
	for (size_t k = 0; k < n; k++) {
		long lineno = c->first_line + (long)k;

		if (e < n_errs && errs[e].index == k) {
			if (!input_error(job, c, &errs[e++].err, lineno))
				goto out;
		} else if (!split_line(job, c, p, lens[k], lineno)) {
			goto out;
		}
		p += lens[k];
	}
	ok = true;
out:
	free(text);
	free(lens);
	free(errs);
	return ok;
}

/*
 * The last line of a plain file that is still being written may be cut:
 * "...,5201,6" would read as a flow to another port, "ACCEPT O" as no flow.
 * A JSON object cut short is invalid, and one missing only its newline is
 * whole, so those are read (and a JSON document is resumed by its whole
 * records); a line of text is not, until the file grows (resume reads it
 * whole then).  Standard input and gzip cannot grow.
 */
static bool
cut_off(const struct fp_ingest_job *job, const char *line, size_t len)
{
	size_t i = 0;

	if (!fp_input_unterminated(job->in) || fp_input_raw_size(job->in) == 0 ||
	    fp_input_is_gzip(job->in))
		return false;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < len && !strchr("{}[]", line[i]);
}

/* The end of the file: a document still being sniffed, a record still open. */
static bool
at_end(struct fp_ingest_job *job, struct chunk *c)
{
	struct split_ctx sc = { job, c, true };

	if (job->sniff_lines > 0) {
		int r = sniff(job, c, "", 0, job->sniff_line, true);

		if (r == SNIFF_FAIL) {
			unknown_format(job, c, job->sniff_line);
			return true;
		}
		if (r == SNIFF_DONE && !maybe_split(job, c))
			return false;
	}
	return job->split == NULL || fp_jsplit_finish(job->split, split_emit, &sc) >= 0;
}

static int
fetch(void *ctx, void *slot)
{
	struct fp_ingest_job *job = ((struct run *)ctx)->job;
	size_t limit = job->ing->opts.chunk != 0 ? job->ing->opts.chunk : CHUNK_BYTES;
	struct chunk *c = slot;

	chunk_clear(c);
	c->first_line = job->next_line;
	c->split = job->split != NULL;
	/* a document being sniffed stays in one chunk: it is at most SNIFF_BYTES */
	while (!c->last && (c->len < limit || job->sniff_lines > 0)) {
		struct fp_err lerr; /* filled whole by whoever sets it */
		const char *line;
		size_t len;
		long lineno;
		int r;

		lerr.code = FP_OK;
		r = fp_input_next_line(job->in, &line, &len, &lineno, &lerr);

		if (r == 0) {
			c->last = true;
			if (!at_end(job, c))
				fatal(c, FP_ENOMEM, &(struct fp_err){ .code = FP_ENOMEM, .text = "out of memory" });
		} else if (r == FP_EINPUT) {
			/* a line too long, or damaged gzip data: a rejected line */
			if (!input_error(job, c, &lerr, lineno)) {
				fatal(c, FP_ENOMEM, &(struct fp_err){ .code = FP_ENOMEM, .text = "out of memory" });
				break;
			}
		} else if (r < 0) {
			fatal(c, r, &lerr);
		} else if (!c->split && cut_off(job, line, len)) {
			fp_err_set(&lerr, FP_EINPUT, fp_input_name(job->in), lineno, 0,
				   "the last line has no newline and may still be being written: "
				   "not read (it is when the file grows; end a complete file with "
				   "a newline)");
			if (!input_error(job, c, &lerr, lineno)) {
				fatal(c, FP_ENOMEM, &(struct fp_err){ .code = FP_ENOMEM, .text = "out of memory" });
				break;
			}
		} else if (c->split) {
			if (!split_line(job, c, line, len, lineno)) {
				fatal(c, FP_ENOMEM, &(struct fp_err){ .code = FP_ENOMEM, .text = "out of memory" });
				break;
			}
		} else {
			if (!add_line(c, line, len)) {
				fatal(c, FP_ENOMEM, &(struct fp_err){ .code = FP_ENOMEM, .text = "out of memory" });
				break;
			}
			if (job->rd == NULL && (job->sniff_lines > 0 || !is_blank(line, len))) {
				long at = job->sniff_lines > 0 ? job->sniff_line : lineno;

				r = sniff(job, c, line, len, lineno, false);
				if (r == SNIFF_FAIL) {
					unknown_format(job, c, at);
					break;
				}
				if (r == SNIFF_DONE && !maybe_split(job, c)) {
					fatal(c, FP_ENOMEM, &(struct fp_err){ .code = FP_ENOMEM, .text = "out of memory" });
					break;
				}
			}
		}
	}
	if (!c->split)
		job->next_line += (long)c->n_records;
	c->rd = job->rd;
	c->replay = job->replay;
	c->raw_offset = fp_input_raw_offset(job->in);
	return c->last;
}

/* ---- parse: the lines of one chunk into its own table ---- */

static void
keep_reject(struct chunk *c, const struct fp_ingest *ing, struct fp_err *lerr, long lineno)
{
	struct reject *r;

	/* More than the budget allows cannot all be reported anyway. */
	if (c->n_rej > ing->opts.max_errors)
		return;
	if (c->n_rej == c->cap_rej) {
		size_t cap = c->cap_rej ? c->cap_rej * 2 : 16;
		struct reject *v = realloc(c->rej, cap * sizeof(*v));

		if (v == NULL) {
			c->status = FP_ENOMEM;
			return;
		}
		c->rej = v;
		c->cap_rej = cap;
	}
	/* Messages quote the input; the input is hostile. */
	fp_str_sanitize(lerr->text, sizeof(lerr->text));
	r = &c->rej[c->n_rej];
	r->line = lerr->line != 0 ? lerr->line : lineno;
	/* a record cut from a document: its column is not the line's */
	r->column = c->split ? 0 : lerr->column;
	r->code = lerr->code;
	r->text = strdup(lerr->text);
	if (r->text == NULL) {
		c->status = FP_ENOMEM;
		return;
	}
	c->n_rej++;
}

static int
count_flow(struct chunk *c, struct counts *n, struct worker *w, struct fp_flow *flow,
	   struct fp_err *lerr)
{
	if (fp_endpoint_normalize(&flow->src, &w->arena, lerr) < 0 ||
	    fp_endpoint_normalize(&flow->dst, &w->arena, lerr) < 0)
		return lerr->code;
	if (fp_flowtab_add(c->tab, flow) < 0)
		return fp_err_nomem(lerr);
	n->records++;
	n->connections += flow->count;
	if (flow->time < n->first)
		n->first = flow->time;
	if (flow->time > n->last)
		n->last = flow->time;
	if (flow->last > n->last)
		n->last = flow->last;
	return 0;
}

static void
parse(const struct fp_ingest *ing, struct worker *w, struct chunk *c)
{
	const char *p = c->buf;
	size_t ie = 0;
	/* counted here, stored once: another thread's chunk may share a cache
	 * line with this one */
	struct counts n = c->counts;

	c->parsed = true;
	if (c->rd != NULL && w->rd != c->rd) {
		worker_done(w);
		w->rd = c->rd;
		if (c->rd->state_new != NULL && (w->state = c->rd->state_new()) == NULL) {
			c->status = FP_ENOMEM;
			return;
		}
	}
	for (size_t i = 0; i < c->n_records && c->status == 0; i++) {
		long lineno = c->split ? c->line_of[i] : c->first_line + (long)i;
		struct fp_err lerr; /* fp_err_set() fills all of it: only the code must be clear */
		struct fp_flow flow;
		enum fp_skip skip;
		const char *line = p;
		size_t len = c->lens[i];
		int r;

		lerr.code = FP_OK;
		/* (fetch() leaves out of a split chunk what was counted) */
		if (!c->split && lineno <= c->replay) {
			/*
			 * Counted when the file was shorter.  A reader that keeps
			 * state (a CSV header, a record over several lines) still
			 * sees the line; what it makes of it is not counted again.
			 */
			if (ie < c->n_ierr && c->ierr[ie].index == i) {
				ie++;
				continue;
			}
			if (len > 0)
				p += len;
			if (c->rd == NULL || c->rd->parallel || is_blank(line, len))
				continue;
			fp_arena_reset(&w->arena);
			if (c->rd->parse(w->state, &flow, &skip, &w->arena, line, len, &lerr) ==
			    FP_ENOMEM)
				c->status = FP_ENOMEM;
			continue;
		}
		if (!c->split)
			n.lines++; /* else fetch() counted the lines */
		if (ie < c->n_ierr && c->ierr[ie].index == i) {
			keep_reject(c, ing, &c->ierr[ie++].err, lineno);
			continue;
		}
		if (len > 0) /* an empty chunk has no buffer */
			p += len;
		if (is_blank(line, len)) {
			n.skip[FP_SKIP_BLANK]++;
			n.skipped++;
			continue;
		}
		if (c->rd == NULL)
			continue; /* the file failed before its format was known */
		fp_arena_reset(&w->arena);
		r = c->rd->parse(w->state, &flow, &skip, &w->arena, line, len, &lerr);
		if (r == FP_READ_FLOW) {
			r = count_flow(c, &n, w, &flow, &lerr);
		} else if (r == FP_READ_SKIP) {
			n.skip[skip]++;
			n.skipped++;
			r = 0;
		}
		if (r == FP_ENOMEM)
			c->status = FP_ENOMEM;
		else if (r < 0)
			keep_reject(c, ing, &lerr, lineno);
	}
	c->counts = n;
}

static void
work(void *ctx, void *wstate, void *slot)
{
	struct chunk *c = slot;

	/* A reader that needs the lines in order parses in merge() instead. */
	if (c->rd == NULL || c->rd->parallel)
		parse(((struct run *)ctx)->job->ing, wstate, c);
}

/* ---- merge: in line order ---- */

static void
add_counts(struct fp_ingest_stats *s, const struct counts *c)
{
	s->lines += c->lines;
	s->records += c->records;
	s->connections += c->connections;
	s->skipped += c->skipped;
	for (int i = 0; i < FP_SKIP__COUNT; i++)
		s->skip[i] += c->skip[i];
	if (c->first < s->first)
		s->first = c->first;
	if (c->last > s->last)
		s->last = c->last;
}

static int
merge(void *ctx, void *slot)
{
	struct run *run = ctx;
	struct fp_ingest_job *job = run->job;
	struct fp_ingest *ing = job->ing;
	struct chunk *c = slot;
	int r;

	if (!c->parsed)
		parse(ing, &run->seq, c);
	if (c->status < 0)
		return fp_err_nomem(&job->err);
	for (size_t i = 0; i < c->n_rej; i++) {
		struct fp_err e = { .code = c->rej[i].code, .line = c->rej[i].line,
				    .column = c->rej[i].column };

		snprintf(e.source, sizeof(e.source), "%s", fp_input_name(job->in));
		snprintf(e.text, sizeof(e.text), "%s", c->rej[i].text);
		r = fp_ingest__reject(job, &e);
		if (r < 0)
			return r;
	}
	add_counts(job->stats, &c->counts);
	/* Spill before the table would grow past the budget, not after. */
	if (fp_flowtab_n_tuples(job->tab) > 0 &&
	    fp_flowtab_memory_with(job->tab, fp_flowtab_n_tuples(c->tab)) > ing->opts.memory) {
		r = fp_ingest__spill(job);
		if (r < 0)
			return r;
		/* endpoints are parked with the rows now; forget them too if
		 * they are what fills the budget (millions of distinct pods) */
		if (fp_flowtab_endpoint_memory(job->tab) > ing->opts.memory / 2)
			fp_flowtab_reset(job->tab);
	}
	if (fp_flowtab_merge(job->tab, c->tab) < 0)
		return fp_err_nomem(&job->err);
	if (ing->opts.on_progress != NULL) {
		struct fp_ingest_progress pr = { fp_input_name(job->in), c->raw_offset,
						 fp_input_raw_size(job->in), job->stats->lines };

		ing->opts.on_progress(ing->opts.userdata, &pr);
	}
	if (c->fatal != 0) {
		job->err = c->fatal_err;
		return c->fatal;
	}
	return 0;
}

/*
 * A record left open at the end of the file is a bad last line.  Readers
 * with records over several lines are never parallel: their one state is
 * the sequential worker's.
 */
static int
finish(struct run *run)
{
	struct fp_ingest_job *job = run->job;
	const struct fp_reader *rd = job->rd;
	struct fp_err lerr = { 0 };
	long last = job->next_line - 1;

	if (rd == NULL || rd->finish == NULL || rd->parallel || run->seq.rd != rd ||
	    rd->finish(run->seq.state, &lerr) == 0)
		return 0;
	/* Messages quote the input; the input is hostile. */
	fp_str_sanitize(lerr.text, sizeof(lerr.text));
	if (lerr.code == FP_OK)
		lerr.code = FP_EINPUT;
	if (lerr.source[0] == '\0')
		snprintf(lerr.source, sizeof(lerr.source), "%s", fp_input_name(job->in));
	if (lerr.line == 0)
		lerr.line = last;
	return fp_ingest__reject(job, &lerr);
}

int
fp_ingest__chunks(struct fp_ingest_job *job)
{
	static const struct fp_pipe_ops ops = { fetch, work, merge };
	size_t n_threads = job->ing->threads, n_slots;
	struct chunk *slots[MAX_THREADS + 2] = { 0 };
	struct worker workers[MAX_THREADS] = { 0 };
	void *wstates[MAX_THREADS];
	struct run run = { .job = job };
	int r = 0;

	if (n_threads < 1 || n_threads > MAX_THREADS)
		n_threads = n_threads < 1 ? 1 : MAX_THREADS;
	/* two chunks in hand beyond one per thread let reading run ahead */
	n_slots = n_threads + 2;
	fp_arena_init(&run.seq.arena);
	for (size_t i = 0; i < n_threads; i++) {
		fp_arena_init(&workers[i].arena);
		wstates[i] = &workers[i];
	}
	for (size_t i = 0; i < n_slots && r == 0; i++) {
		slots[i] = calloc(1, sizeof(*slots[i]));
		if (slots[i] == NULL || (slots[i]->tab = fp_flowtab_new()) == NULL)
			r = fp_err_nomem(&job->err);
	}
	if (r == 0)
		r = fp_pipe_run(&ops, &run, (void **)slots, n_slots, wstates, n_threads);
	if (r == 0)
		r = finish(&run);
	if (r == FP_ENOMEM && job->err.code == FP_OK)
		fp_err_nomem(&job->err);
	for (size_t i = 0; i < n_slots; i++)
		chunk_free(slots[i]);
	for (size_t i = 0; i < n_threads; i++)
		worker_done(&workers[i]);
	worker_done(&run.seq);
	if (job->split != NULL) {
		fp_jsplit_done(job->split);
		free(job->split);
		job->split = NULL;
	}
	return r;
}
