/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util-time.h - RFC 3339 times and "7d"-style durations.
 *
 * Times are seconds since the Unix epoch (int64_t, UTC).  Sub-second parts
 * are parsed and returned separately where a caller wants them.
 */
#ifndef FP_UTIL_TIME_H
#define FP_UTIL_TIME_H

#include <stddef.h>
#include <stdint.h>

#define FP_TIME_BUFSZ 32

/*
 * Parse an RFC 3339 time ("2026-11-19T00:00:00Z", "...T01:02:03.5+02:00";
 * 'T' may be 't' or a space) of exactly @len bytes.  Stores the seconds in
 * @sec_out and, when @nsec_out is not NULL, the fraction in nanoseconds.
 * Returns 0, or FP_EINPUT when @s is not such a time.
 */
int fp_time_parse_rfc3339(int64_t *sec_out, int32_t *nsec_out, const char *s, size_t len);

/*
 * Parse a duration: one or more <number><unit> with units s, m, h, d, w
 * ("30m", "7d", "1d12h").  Returns 0 or FP_EINPUT.
 */
int fp_time_parse_duration(int64_t *sec_out, const char *s);

/*
 * Parse a command-line time: RFC 3339, or a duration counted back from
 * @newest (the newest flow in the database).  Returns 0 or FP_EINPUT.
 */
int fp_time_parse_arg(int64_t *sec_out, const char *s, int64_t newest);

/* Format @sec as "YYYY-MM-DDTHH:MM:SSZ" into @buf; returns @buf. */
char *fp_time_format(char buf[FP_TIME_BUFSZ], int64_t sec);

/* Days since the epoch of a proleptic Gregorian date (no range check). */
int64_t fp_time_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
