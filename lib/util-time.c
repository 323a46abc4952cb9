/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/err.h"
#include "lib/util-time.h"

/*
 * Civil-date arithmetic after Howard Hinnant's algorithms: exact for every
 * Gregorian date, without the C library's time zone state (timegm() is not
 * in C11 or POSIX).
 */
int64_t
fp_time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

static bool
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
	static const unsigned dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Read exactly @n decimal digits at s[*i]. */
static bool
digits(const char *s, size_t len, size_t *i, int n, unsigned *out)
{
	unsigned v = 0;

	if (*i + (size_t)n > len)
		return false;
	for (int k = 0; k < n; k++) {
		char c = s[*i + (size_t)k];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (unsigned)(c - '0');
	}
	*i += (size_t)n;
	*out = v;
	return true;
}

static bool
expect(const char *s, size_t len, size_t *i, char c)
{
	if (*i >= len || s[*i] != c)
		return false;
	(*i)++;
	return true;
}

int
fp_time_parse_rfc3339(int64_t *sec_out, int32_t *nsec_out, const char *s, size_t len)
{
	unsigned y, mo, d, h, mi, sec, oh, om;
	int32_t nsec = 0;
	int64_t off = 0, t;
	size_t i = 0;

	if (!digits(s, len, &i, 4, &y) || !expect(s, len, &i, '-') ||
	    !digits(s, len, &i, 2, &mo) || !expect(s, len, &i, '-') ||
	    !digits(s, len, &i, 2, &d))
		return FP_EINPUT;
	if (i >= len || (s[i] != 'T' && s[i] != 't' && s[i] != ' '))
		return FP_EINPUT;
	i++;
	if (!digits(s, len, &i, 2, &h) || !expect(s, len, &i, ':') ||
	    !digits(s, len, &i, 2, &mi) || !expect(s, len, &i, ':') ||
	    !digits(s, len, &i, 2, &sec))
		return FP_EINPUT;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
	    sec > 60)
		return FP_EINPUT;
	if (i < len && s[i] == '.') {
		int n = 0;

		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			/* Digits past nanoseconds are valid RFC 3339 but carry nothing. */
			if (n < 9)
				nsec = nsec * 10 + (s[i] - '0');
			n++;
			i++;
		}
		if (n == 0)
			return FP_EINPUT;
		for (; n < 9; n++)
			nsec *= 10;
	}
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		int sign = s[i] == '-' ? -1 : 1;

		i++;
		if (!digits(s, len, &i, 2, &oh) || !expect(s, len, &i, ':') ||
		    !digits(s, len, &i, 2, &om) || oh > 23 || om > 59)
			return FP_EINPUT;
		off = sign * (int64_t)(oh * 3600 + om * 60);
	} else {
		return FP_EINPUT;
	}
	if (i != len)
		return FP_EINPUT;
	/* A leap second is folded into the next second's start. */
	t = fp_time_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	*sec_out = t;
	if (nsec_out != NULL)
		*nsec_out = nsec;
	return 0;
}

int
fp_time_parse_duration(int64_t *sec_out, const char *s)
{
	int64_t total = 0;
	const char *p = s;

	if (*p == '\0')
		return FP_EINPUT;
	while (*p != '\0') {
		int64_t n = 0, unit;

		if (*p < '0' || *p > '9')
			return FP_EINPUT;
		while (*p >= '0' && *p <= '9') {
			if (n > 1000000000)
				return FP_EINPUT;
			n = n * 10 + (*p - '0');
			p++;
		}
		switch (*p) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 7 * 86400; break;
		default: return FP_EINPUT;
		}
		p++;
		if (n > INT64_MAX / unit || total > INT64_MAX - n * unit)
			return FP_EINPUT;
		total += n * unit;
	}
	*sec_out = total;
	return 0;
}

int
fp_time_parse_arg(int64_t *sec_out, const char *s, int64_t newest)
{
	int64_t d;

	if (fp_time_parse_rfc3339(sec_out, NULL, s, strlen(s)) == 0)
		return 0;
	if (fp_time_parse_duration(&d, s) < 0)
		return FP_EINPUT;
	*sec_out = newest - d;
	return 0;
}

char *
fp_time_format(char buf[FP_TIME_BUFSZ], int64_t sec)
{
	int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
	int64_t rem = sec - days * 86400, y;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	/* Clamped so the compiler can see the text fits. */
	if (y < -99999 || y > 99999)
		y = y < 0 ? -99999 : 99999;
	snprintf(buf, FP_TIME_BUFSZ, "%04d-%02u-%02uT%02u:%02u:%02uZ", (int)y, m % 13, d % 32,
		 (unsigned)(rem / 3600) % 24, (unsigned)(rem % 3600 / 60) % 60,
		 (unsigned)(rem % 60) % 60);
	return buf;
}
