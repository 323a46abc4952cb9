/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util-arena.h - a bump allocator for short-lived strings and arrays.
 *
 * Readers put everything one record needs into an arena and reset it before
 * the next record, so parsing a line allocates nothing once the arena has
 * grown to the largest record seen.  Memory is released by fp_arena_done().
 */
#ifndef FP_UTIL_ARENA_H
#define FP_UTIL_ARENA_H

#include <stddef.h>

struct fp_arena_chunk;

struct fp_arena {
	struct fp_arena_chunk *head; /* chunk being filled */
	struct fp_arena_chunk *full; /* chunks filled since the last reset */
	size_t total;                /* bytes held in all chunks */
};

void fp_arena_init(struct fp_arena *a);
void fp_arena_done(struct fp_arena *a);
/* Forget every allocation but keep the largest chunk for reuse. */
void fp_arena_reset(struct fp_arena *a);
/* @size bytes aligned for any type, or NULL when out of memory. */
void *fp_arena_alloc(struct fp_arena *a, size_t size);
/* A NUL-terminated copy of @len bytes of @s, or NULL when out of memory. */
char *fp_arena_strndup(struct fp_arena *a, const char *s, size_t len);

#endif
