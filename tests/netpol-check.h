/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netpol-check.h - helpers shared by the netpol suites: load policy text,
 * keep the notes, build peers.
 */
#ifndef FP_NETPOL_CHECK_H
#define FP_NETPOL_CHECK_H

#include <string.h>

#include "lib/netpol.h"
#include "tests/fp-check.h"

#define NOTES_MAX 16

struct notes {
	struct fp_err v[NOTES_MAX];
	size_t n;
};

static inline void
keep_note(void *ud, const struct fp_err *e)
{
	struct notes *n = ud;

	if (n->n < NOTES_MAX)
		n->v[n->n] = *e;
	n->n++;
}

/* A set holding @text, loaded as "np.yaml"; notes go to @notes (may be NULL). */
static inline struct fp_netpol_set *
load_text(const char *text, struct notes *notes)
{
	struct fp_netpol_set *s = NULL;
	struct fp_err err;

	fp_err_clear(&err);
	ck_assert_int_eq(fp_netpol_set_new(&s, &err), 0);
	if (notes != NULL)
		memset(notes, 0, sizeof(*notes));
	ck_assert_int_eq(fp_netpol_load_buffer(s, "np.yaml", text, strlen(text),
					       notes != NULL ? keep_note : NULL, notes,
					       &err),
			 0);
	return s;
}

/* "apiVersion ... kind" header of a NetworkPolicy document. */
#define NP_HEAD "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"

#endif
