/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/err.h"
#include "lib/util-zone.h"

static struct {
	char name[64];
	bool named;      /* a tz database zone: TZ is set to it */
	int64_t offset;  /* a fixed offset east of UTC, in seconds */
} zone = { "UTC", false, 0 };

static bool
digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int
fixed_offset(const char *s, int64_t *out)
{
	size_t n = strlen(s);
	int h, m = 0;

	if ((s[0] != '+' && s[0] != '-') || !(n == 3 || n == 5 || n == 6))
		return -1;
	if (!digits(s + 1, 2) || (n == 5 && !digits(s + 3, 2)) ||
	    (n == 6 && (s[3] != ':' || !digits(s + 4, 2))))
		return -1;
	h = (s[1] - '0') * 10 + (s[2] - '0');
	if (n > 3)
		m = (s[n - 2] - '0') * 10 + (s[n - 1] - '0');
	if (h > 14 || m > 59)
		return -1;
	*out = (s[0] == '-' ? -1 : 1) * (int64_t)(h * 3600 + m * 60);
	return 0;
}

/* A tz database name: letters, digits, '_', '-', '+', '/' and no "..". */
static bool
zone_name_ok(const char *s)
{
	char path[128];

	if (s[0] == '\0' || s[0] == '/' || strlen(s) >= 48 || strstr(s, "..") != NULL)
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || strchr("_-+/", *p) != NULL))
			return false;
	/* glibc takes an unknown zone for UTC without a word: look first. */
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", s);
	return access(path, R_OK) == 0;
}

bool
fp_zone_valid(const char *spec)
{
	int64_t off;

	return strcmp(spec, "UTC") == 0 || strcmp(spec, "Z") == 0 ||
	       fixed_offset(spec, &off) == 0 || zone_name_ok(spec);
}

int
fp_zone_set(const char *spec)
{
	int64_t off = 0;

	if (!fp_zone_valid(spec))
		return FP_EUSAGE;
	if (strcmp(spec, "UTC") != 0 && strcmp(spec, "Z") != 0 && fixed_offset(spec, &off) < 0) {
		if (setenv("TZ", spec, 1) < 0)
			return FP_EUSAGE;
		tzset();
		zone.named = true;
	} else {
		zone.named = false;
	}
	snprintf(zone.name, sizeof(zone.name), "%s", spec);
	zone.offset = off;
	return 0;
}

const char *
fp_zone_name(void)
{
	return zone.name;
}

int64_t
fp_zone_to_utc(int64_t wall)
{
	struct tm tm;
	time_t t = (time_t)wall;

	if (!zone.named)
		return wall - zone.offset;
	if (gmtime_r(&t, &tm) == NULL)
		return wall;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	return t == (time_t)-1 ? wall : (int64_t)t;
}
