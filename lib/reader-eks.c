/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "lib/reader-common.h"
#include "lib/reader-eks.h"
#include "lib/util-json.h"
#include "lib/util-str.h"

static const char *const eks_fields[] = {
	"ts | timestamp",
	"msg (\"Flow Info\")",
	"Src IP, Src Port, Dest IP, Dest Port, Proto, Verdict",
	"or: TIME [STREAM] Node: ...;SIP: ...;SPORT: ...;DIP: ...;DPORT: ...;PROTOCOL: ...;"
	"PolicyVerdict: ...",
	NULL,
};

static int
eks_detect(const char *line, size_t len)
{
	if (fp_contains(line, len, "SIP: ") && fp_contains(line, len, "DIP: ") &&
	    fp_contains(line, len, "PolicyVerdict: "))
		return 90;
	if (len == 0 || line[0] != '{')
		return 0;
	if (fp_contains(line, len, "\"Flow Info") ||
	    (fp_contains(line, len, "\"Src IP\"") &&
	     fp_contains(line, len, "\"Verdict\"")))
		return 90;
	if (fp_contains(line, len, "\"logger\":\"ebpf-client\""))
		return 50;
	return 0;
}

/* What the agent says, as flowpol's verdict; *skip when it decided nothing. */
static int
verdict(enum fp_verdict *out, bool *skip, const char *field, const char *s, size_t len,
	struct fp_err *err)
{
	*skip = false;
	if (fp_equals(s, len, "ACCEPT")) {
		*out = FP_VERDICT_FORWARDED;
	} else if (fp_equals(s, len, "DENY")) {
		*out = FP_VERDICT_DROPPED;
	} else if (fp_equals(s, len, "EXPIRED/DELETED")) {
		*skip = true;
	} else {
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": unknown verdict \"%.*s\"", field,
				  (int)(len > 64 ? 64 : len), s);
	}
	return 0;
}

static int
finish(struct fp_flow *out, enum fp_skip *skip, bool no_decision)
{
	if (no_decision) {
		*skip = FP_SKIP_VERDICT;
		return FP_READ_SKIP;
	}
	if (!fp_proto_has_ports(out->proto))
		out->port = 0;
	out->count = 1;
	out->src.kind = out->dst.kind = FP_EP_UNKNOWN;
	return FP_READ_FLOW;
}

/* A JSON member that may be a number or a string of digits, as text. */
static int
member_text(const char **out, size_t *len, char *buf, size_t bufsz, json_t *obj,
	    const char *key, struct fp_err *err)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	*len = 0;
	if (v == NULL || json_is_null(v))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"%s\": missing", key);
	if (json_is_integer(v)) {
		snprintf(buf, bufsz, "%lld", (long long)json_integer_value(v));
		*out = buf;
		*len = strlen(buf);
		return 0;
	}
	if (!json_is_string(v))
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "\"%s\": expected string, got %s", key,
				  fp_json_type_name(v));
	*out = json_string_value(v);
	*len = json_string_length(v);
	return 0;
}

static int
parse_json(struct fp_flow *out, enum fp_skip *skip, const char *line, size_t len,
	   struct fp_err *err)
{
	static const char *const time_keys[] = { "ts", "timestamp", "time", NULL };
	const char *msg, *s, *tkey;
	size_t mlen, slen;
	char buf[32];
	bool no_decision;
	json_t *root, *t;
	int r = FP_EINPUT;

	if (fp_reader__json_load(&root, NULL, line, len, err) < 0)
		return FP_EINPUT;
	if (!json_is_object(root)) {
		r = fp_err_set(err, FP_EINPUT, NULL, 0, 0,
			       "expected a JSON object, got %s", fp_json_type_name(root));
		goto out;
	}
	if (fp_json_string(&msg, &mlen, root, "msg", "", err) < 0)
		goto out;
	if (json_object_get(root, "Src IP") == NULL &&
	    (msg == NULL || fp_memmem(msg, mlen, "Flow Info", 9) == NULL)) {
		/* The agent's own log lines share the file. */
		*skip = FP_SKIP_NONFLOW;
		r = FP_READ_SKIP;
		goto out;
	}
	t = fp_reader__json_any(root, time_keys, &tkey);
	if (t == NULL) {
		r = fp_err_set(err, FP_EINPUT, NULL, 0, 0, "\"ts\": missing");
		goto out;
	}
	if (fp_reader__time_json(&out->time, tkey, t, err) < 0 ||
	    member_text(&s, &slen, buf, sizeof(buf), root, "Src IP", err) < 0 ||
	    fp_reader__addr(&out->src.addr, "Src IP", s, slen, err) < 0 ||
	    member_text(&s, &slen, buf, sizeof(buf), root, "Dest IP", err) < 0 ||
	    fp_reader__addr(&out->dst.addr, "Dest IP", s, slen, err) < 0 ||
	    member_text(&s, &slen, buf, sizeof(buf), root, "Proto", err) < 0 ||
	    fp_reader__proto(&out->proto, "Proto", s, slen, err) < 0 ||
	    member_text(&s, &slen, buf, sizeof(buf), root, "Verdict", err) < 0 ||
	    verdict(&out->verdict, &no_decision, "Verdict", s, slen, err) < 0)
		goto out;
	if (json_object_get(root, "Src Port") != NULL &&
	    (member_text(&s, &slen, buf, sizeof(buf), root, "Src Port", err) < 0 ||
	     fp_reader__port(&out->port, "Src Port", s, slen, err) < 0))
		goto out;
	out->port = 0;
	if ((fp_proto_has_ports(out->proto) ||
	     json_object_get(root, "Dest Port") != NULL) &&
	    (member_text(&s, &slen, buf, sizeof(buf), root, "Dest Port", err) < 0 ||
	     fp_reader__port(&out->port, "Dest Port", s, slen, err) < 0))
		goto out;
	r = finish(out, skip, no_decision);
out:
	json_decref(root);
	return r;
}

/* "KEY: value;" fields of the CloudWatch message, in the agent's order. */
static const char *const text_keys[] = { "Node",  "SIP",      "SPORT",	      "DIP",
					 "DPORT", "PROTOCOL", "PolicyVerdict" };

static int
parse_text(struct fp_flow *out, enum fp_skip *skip, const char *line, size_t len,
	   struct fp_err *err)
{
	const char *node = fp_memmem(line, len, "Node: ", 6), *v[7], *p,
		   *end = line + len;
	size_t vlen[7], tlen;
	bool no_decision;
	uint16_t sport;

	if (node == NULL)
		return fp_err_set(err, FP_EINPUT, NULL, 0, 0,
				  "expected \"Node: ...;SIP: ...\"");
	/* The message holds no time: take the one printed before it. */
	for (tlen = 0; line + tlen < node && line[tlen] != ' ' && line[tlen] != '\t';
	     tlen++)
		;
	if (tlen == 0)
		return fp_err_set(
			err, FP_EINPUT, NULL, 0, 0,
			"no time before \"Node:\": the CloudWatch message must be "
			"prefixed with its timestamp (as 'aws logs tail' prints it)");
	if (fp_reader__time(&out->time, "time", line, tlen, err) < 0)
		return FP_EINPUT;
	p = node;
	for (size_t i = 0; i < 7; i++) {
		size_t klen = strlen(text_keys[i]);
		const char *semi;

		if ((size_t)(end - p) < klen + 2 || memcmp(p, text_keys[i], klen) != 0 ||
		    p[klen] != ':' || p[klen + 1] != ' ')
			return fp_err_set(err, FP_EINPUT, NULL, 0, (int)(p - line) + 1,
					  "expected \"%s: \"", text_keys[i]);
		p += klen + 2;
		semi = i < 6 ? memchr(p, ';', (size_t)(end - p)) : end;
		if (semi == NULL)
			return fp_err_set(err, FP_EINPUT, NULL, 0, (int)(end - line),
					  "expected ';' after \"%s\"", text_keys[i]);
		v[i] = p;
		vlen[i] = (size_t)(semi - p);
		p = semi + (i < 6);
	}
	/* A trailing space or CR after the verdict is not part of it. */
	while (vlen[6] > 0 && (v[6][vlen[6] - 1] == ' ' || v[6][vlen[6] - 1] == '\t'))
		vlen[6]--;
	if (fp_reader__addr(&out->src.addr, "SIP", v[1], vlen[1], err) < 0 ||
	    fp_reader__port(&sport, "SPORT", v[2], vlen[2], err) < 0 ||
	    fp_reader__addr(&out->dst.addr, "DIP", v[3], vlen[3], err) < 0 ||
	    fp_reader__port(&out->port, "DPORT", v[4], vlen[4], err) < 0 ||
	    fp_reader__proto(&out->proto, "PROTOCOL", v[5], vlen[5], err) < 0 ||
	    verdict(&out->verdict, &no_decision, "PolicyVerdict", v[6], vlen[6], err) < 0)
		return FP_EINPUT;
	return finish(out, skip, no_decision);
}

static int
eks_parse(void *state, struct fp_flow *out, enum fp_skip *skip, struct fp_arena *arena,
	  const char *line, size_t len, struct fp_err *err)
{
	size_t i = 0;

	(void)state;
	(void)arena;
	memset(out, 0, sizeof(*out));
	*skip = FP_SKIP_NONE;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i < len && line[i] == '{')
		return parse_json(out, skip, line, len, err);
	return parse_text(out, skip, line + i, len - i, err);
}

const struct fp_reader fp_reader_eks = {
	.name = "eks",
	.summary =
		"Amazon EKS network policy agent logs (Flow Info JSON, CloudWatch text)",
	.fields = eks_fields,
	.detect = eks_detect,
	/* no state: each line stands alone */
	.parallel = true,
	.parse = eks_parse,
};
