/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "lib/input.h"
#include "lib/util-hash.h"

#define RAW_CHUNK (1u << 20)
#define LINE_START (1u << 20)
/* The longest line allowed, plus its "\r\n", must fit in the buffer. */
#define LINE_CAP_MAX (FP_INPUT_MAX_LINE + 2)
/* No real log compresses better than this; a bomb does, by design. */
#define GZIP_MAX_RATIO 1000
#define GZIP_RATIO_AFTER (64u << 20)

struct fp_input {
	int fd;
	bool owns_fd;
	char *name;
	uint64_t size;       /* regular file size, else 0 */
	uint64_t raw_offset; /* raw bytes consumed */
	struct fp_hasher hasher;
	bool hashed_ahead;   /* fingerprint computed by prefingerprint */
	char fingerprint[FP_FINGERPRINT_BUFSZ];
	/* raw input */
	unsigned char *raw;
	size_t raw_len, raw_pos;
	bool raw_eof;
	/* gzip */
	bool sniffed;
	bool gzip;
	bool z_open;
	bool z_member_done;
	z_stream z;
	uint64_t z_out;
	/* decoded bytes, split into lines */
	char *buf;
	size_t cap, start, end;
	bool eof;
	bool damaged;
	bool unterminated; /* the line last returned had no newline */
	const char *pending_damage; /* found after good bytes: reported once they are read */
	long lineno;
};

const char *
fp_input_name(const struct fp_input *in)
{
	return in->name;
}

bool
fp_input_is_gzip(const struct fp_input *in)
{
	return in->gzip;
}

uint64_t
fp_input_raw_offset(const struct fp_input *in)
{
	return in->raw_offset;
}

uint64_t
fp_input_raw_size(const struct fp_input *in)
{
	return in->size;
}

static int
io_error(struct fp_input *in, struct fp_err *err, const char *what)
{
	return fp_err_set(err, FP_EIO, in->name, 0, 0, "%s: %s", what, strerror(errno));
}

/* Read more raw bytes; keeps unconsumed ones.  Sets raw_eof at the end. */
static int
fill_raw(struct fp_input *in, struct fp_err *err)
{
	ssize_t n;

	if (in->raw_pos > 0 && in->raw_pos < in->raw_len)
		memmove(in->raw, in->raw + in->raw_pos, in->raw_len - in->raw_pos);
	in->raw_len -= in->raw_pos;
	in->raw_pos = 0;
	do
		n = read(in->fd, in->raw + in->raw_len, RAW_CHUNK - in->raw_len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return io_error(in, err, "read error");
	if (n == 0)
		in->raw_eof = true;
	if (!in->hashed_ahead)
		fp_hasher_update(&in->hasher, in->raw + in->raw_len, (size_t)n);
	in->raw_len += (size_t)n;
	return 0;
}

int
fp_input_open(struct fp_input **out, const char *path, struct fp_err *err)
{
	struct fp_input *in = calloc(1, sizeof(*in));
	struct stat st;

	*out = NULL;
	if (in == NULL)
		return fp_err_nomem(err);
	fp_hasher_init(&in->hasher, 0);
	in->fd = -1;
	if (strcmp(path, "-") == 0) {
		in->fd = STDIN_FILENO;
		in->name = strdup("<stdin>");
	} else {
		in->name = strdup(path);
		in->fd = open(path, O_RDONLY | O_CLOEXEC);
		in->owns_fd = true;
	}
	in->raw = malloc(RAW_CHUNK);
	in->buf = malloc(LINE_START);
	in->cap = LINE_START;
	if (in->name == NULL || in->raw == NULL || in->buf == NULL) {
		fp_input_close(in);
		return fp_err_nomem(err);
	}
	if (in->fd < 0) {
		fp_err_set(err, FP_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
		fp_input_close(in);
		return FP_EIO;
	}
	if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		fp_err_set(err, FP_EIO, path, 0, 0, "is a directory: name the logs in it (\"%s/*\")", path);
		fp_input_close(in);
		return FP_EIO;
	}
	if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode))
		in->size = (uint64_t)st.st_size;
	*out = in;
	return 0;
}

void
fp_input_close(struct fp_input *in)
{
	if (in == NULL)
		return;
	if (in->z_open)
		inflateEnd(&in->z);
	if (in->owns_fd && in->fd >= 0)
		close(in->fd);
	free(in->name);
	free(in->raw);
	free(in->buf);
	free(in);
}

static void
format_fingerprint(char out[FP_FINGERPRINT_BUFSZ], uint64_t hash, uint64_t size)
{
	snprintf(out, FP_FINGERPRINT_BUFSZ, "%016llx-%llu", (unsigned long long)hash,
		 (unsigned long long)size);
}

int
fp_input_prefingerprint(struct fp_input *in, char out[FP_FINGERPRINT_BUFSZ],
			struct fp_err *err)
{
	struct fp_hasher h;
	uint64_t total = 0;
	ssize_t n;

	if (in->size == 0 && lseek(in->fd, 0, SEEK_CUR) < 0)
		return 0;
	if (lseek(in->fd, 0, SEEK_SET) < 0)
		return 0;
	fp_hasher_init(&h, 0);
	for (;;) {
		do
			n = read(in->fd, in->raw, RAW_CHUNK);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return io_error(in, err, "read error");
		if (n == 0)
			break;
		fp_hasher_update(&h, in->raw, (size_t)n);
		total += (uint64_t)n;
	}
	if (lseek(in->fd, 0, SEEK_SET) < 0)
		return io_error(in, err, "cannot rewind");
	format_fingerprint(in->fingerprint, fp_hasher_final(&h), total);
	in->hashed_ahead = true;
	memcpy(out, in->fingerprint, FP_FINGERPRINT_BUFSZ);
	return 1;
}

void
fp_input_fingerprint(const struct fp_input *in, char out[FP_FINGERPRINT_BUFSZ])
{
	if (in->hashed_ahead)
		memcpy(out, in->fingerprint, FP_FINGERPRINT_BUFSZ);
	else
		format_fingerprint(out, fp_hasher_final(&in->hasher), in->hasher.total);
}

static int
damaged(struct fp_input *in, struct fp_err *err, const char *what)
{
	in->damaged = true;
	in->eof = true;
	/* What was decoded of the broken line is not a line: drop it. */
	in->start = in->end = 0;
	return fp_err_set(err, FP_EINPUT, in->name, in->lineno + 1, 0, "%s", what);
}

/* Decide plain or gzip from the first bytes. */
static int
sniff(struct fp_input *in, struct fp_err *err)
{
	while (in->raw_len < 2 && !in->raw_eof)
		if (fill_raw(in, err) < 0)
			return FP_EIO;
	if (in->raw_len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b) {
		memset(&in->z, 0, sizeof(in->z));
		if (inflateInit2(&in->z, 15 + 16) != Z_OK)
			return fp_err_nomem(err);
		in->z_open = true;
		in->gzip = true;
	}
	return 0;
}

/* Append decoded bytes to buf[end..cap). */
static int
decode_more(struct fp_input *in, struct fp_err *err)
{
	size_t room = in->cap - in->end;

	if (!in->gzip) {
		size_t take;
		ssize_t n;

		if (in->raw_pos == in->raw_len) {
			if (in->raw_eof) {
				in->eof = true;
				return 0;
			}
			/* Plain input needs no raw buffer: read straight into the
			 * line buffer, one copy less. */
			do
				n = read(in->fd, in->buf + in->end, room);
			while (n < 0 && errno == EINTR);
			if (n < 0)
				return io_error(in, err, "read error");
			if (n == 0) {
				in->raw_eof = true;
				in->eof = true;
				return 0;
			}
			if (!in->hashed_ahead)
				fp_hasher_update(&in->hasher, in->buf + in->end, (size_t)n);
			in->raw_offset += (uint64_t)n;
			in->end += (size_t)n;
			return 0;
		}
		take = in->raw_len - in->raw_pos < room ? in->raw_len - in->raw_pos : room;
		memcpy(in->buf + in->end, in->raw + in->raw_pos, take);
		in->raw_pos += take;
		in->raw_offset += take;
		in->end += take;
		return 0;
	}
	if (in->pending_damage != NULL)
		return damaged(in, err, in->pending_damage);
	for (;;) {
		size_t before_in, produced;
		int zr;

		if (in->raw_pos == in->raw_len) {
			if (in->raw_eof) {
				if (!in->z_member_done)
					return damaged(in, err, "gzip data ends early (truncated file?)");
				in->eof = true;
				return 0;
			}
			if (fill_raw(in, err) < 0)
				return FP_EIO;
			continue;
		}
		if (in->z_member_done) {
			/* Another gzip member follows (concatenated files), or junk. */
			if (in->raw_len - in->raw_pos < 2 && !in->raw_eof) {
				if (fill_raw(in, err) < 0)
					return FP_EIO;
				continue;
			}
			if (in->raw_len - in->raw_pos < 2 || in->raw[in->raw_pos] != 0x1f ||
			    in->raw[in->raw_pos + 1] != 0x8b)
				return damaged(in, err, "unexpected data after the gzip stream");
			inflateReset(&in->z);
			in->z_member_done = false;
		}
		in->z.next_in = in->raw + in->raw_pos;
		in->z.avail_in = (uInt)(in->raw_len - in->raw_pos);
		in->z.next_out = (Bytef *)in->buf + in->end;
		in->z.avail_out = (uInt)room;
		before_in = in->z.avail_in;
		zr = inflate(&in->z, Z_NO_FLUSH);
		in->raw_pos += before_in - in->z.avail_in;
		in->raw_offset += before_in - in->z.avail_in;
		produced = room - in->z.avail_out;
		in->end += produced;
		in->z_out += produced;
		if (zr == Z_STREAM_END) {
			in->z_member_done = true;
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			/* What inflate() produced before it found the damage holds
			 * good lines: hand them out, then report the damage. */
			if (produced == 0)
				return damaged(in, err, "corrupt gzip data");
			in->pending_damage = "corrupt gzip data";
			return 0;
		}
		if (in->z_out > GZIP_RATIO_AFTER && in->z_out / GZIP_MAX_RATIO > in->raw_offset)
			return damaged(in, err,
				       "gzip data expands more than 1000 times: not a log file");
		if (produced > 0 || zr == Z_STREAM_END)
			return 0;
	}
}

/* Make room at the end of buf: drop consumed bytes, then grow up to the limit. */
static int
make_room(struct fp_input *in)
{
	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->end < in->cap)
		return 0;
	if (in->cap >= LINE_CAP_MAX)
		return 1; /* the line is too long */
	{
		size_t cap = in->cap * 2 > LINE_CAP_MAX ? LINE_CAP_MAX : in->cap * 2;
		char *p = realloc(in->buf, cap);

		if (p == NULL)
			return FP_ENOMEM;
		in->buf = p;
		in->cap = cap;
	}
	return 0;
}

/* Discard bytes up to and including the next newline. */
static int
skip_line(struct fp_input *in, struct fp_err *err)
{
	for (;;) {
		char *nl = memchr(in->buf + in->start, '\n', in->end - in->start);

		if (nl != NULL) {
			in->start = (size_t)(nl - in->buf) + 1;
			return 0;
		}
		in->start = in->end = 0;
		if (in->eof)
			return 0;
		if (decode_more(in, err) < 0)
			return FP_EINPUT;
	}
}

/* @s: the line's first bytes, to say what to do with a JSON array. */
static int
too_long(struct fp_input *in, const char *s, size_t n, struct fp_err *err)
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n > 0 && *s == '[')
		return fp_err_set(err, FP_EINPUT, in->name, in->lineno, 0,
				  "a JSON array on one line longer than %u bytes: skipped; "
				  "write one record a line (jq -c '.[]') or pretty-print it",
				  FP_INPUT_MAX_LINE);
	return fp_err_set(err, FP_EINPUT, in->name, in->lineno, 0,
			  "line longer than %u bytes: skipped", FP_INPUT_MAX_LINE);
}

int
fp_input_next_line(struct fp_input *in, const char **line, size_t *len, long *lineno,
		   struct fp_err *err)
{
	if (!in->sniffed) {
		in->sniffed = true;
		if (sniff(in, err) < 0)
			return FP_EIO;
	}
	for (;;) {
		char *nl = memchr(in->buf + in->start, '\n', in->end - in->start);
		size_t n;
		int r;

		if (nl != NULL || (in->eof && in->end > in->start)) {
			char *s = in->buf + in->start;

			n = nl != NULL ? (size_t)(nl - s) : in->end - in->start;
			in->start += n + (nl != NULL);
			in->unterminated = nl == NULL;
			if (n > 0 && s[n - 1] == '\r')
				n--;
			*lineno = ++in->lineno;
			if (n > FP_INPUT_MAX_LINE)
				return too_long(in, s, n, err);
			*line = s;
			*len = n;
			return 1;
		}
		if (in->eof)
			return 0;
		r = make_room(in);
		if (r < 0)
			return fp_err_nomem(err);
		if (r == 1) {
			char head[64];
			size_t hn = in->end - in->start < sizeof(head) ? in->end - in->start
								       : sizeof(head);

			/* Skip first: damage found on the way (a gzip bomb is
			 * one endless line) is the better message. */
			memcpy(head, in->buf + in->start, hn);
			in->start = in->end = 0;
			if (skip_line(in, err) < 0) {
				*lineno = ++in->lineno;
				return FP_EINPUT;
			}
			*lineno = ++in->lineno;
			too_long(in, head, hn, err);
			return FP_EINPUT;
		}
		r = decode_more(in, err);
		if (r < 0)
			return r;
	}
}

int
fp_input_read_all(struct fp_input *in, struct fp_buf *out, size_t max, struct fp_err *err)
{
	if (!in->sniffed) {
		in->sniffed = true;
		if (sniff(in, err) < 0)
			return FP_EIO;
	}
	while (!in->eof) {
		int r;

		in->start = in->end = 0;
		r = decode_more(in, err);
		if (r < 0)
			return r;
		if (out->len + in->end > max)
			return fp_err_set(err, FP_EINPUT, in->name, 0, 0,
					  "larger than %zu MiB: refusing to read it whole", max >> 20);
		if (fp_buf_add(out, in->buf, in->end) < 0)
			return fp_err_nomem(err);
	}
	in->start = in->end = 0;
	return 0;
}

int
fp_input_prefix_fingerprint(struct fp_input *in, uint64_t size, char out[FP_FINGERPRINT_BUFSZ],
			    struct fp_err *err)
{
	unsigned char chunk[65536];
	struct fp_hasher h;
	uint64_t done = 0;

	if (in->size == 0 || size > in->size)
		return 0;
	fp_hasher_init(&h, 0);
	while (done < size) {
		size_t want = size - done < sizeof(chunk) ? (size_t)(size - done) : sizeof(chunk);
		ssize_t n = pread(in->fd, chunk, want, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return io_error(in, err, "read error");
		if (n == 0)
			return 0; /* shrank meanwhile: not this prefix */
		fp_hasher_update(&h, chunk, (size_t)n);
		done += (uint64_t)n;
	}
	format_fingerprint(out, fp_hasher_final(&h), size);
	return 1;
}

int
fp_input_byte_at(struct fp_input *in, uint64_t offset)
{
	unsigned char c;
	ssize_t n;

	if (in->size == 0 || offset >= in->size)
		return -1;
	do
		n = pread(in->fd, &c, 1, (off_t)offset);
	while (n < 0 && errno == EINTR);
	return n == 1 ? c : -1;
}

bool
fp_input_unterminated(const struct fp_input *in)
{
	return in->unterminated;
}
