/* SPDX-License-Identifier: Apache-2.0 */
/*
 * util-zone.h - the time zone of log times that carry none.
 *
 * Some logs write wall-clock times without a zone (Antrea's np.log, CSV
 * exports, "2026-11-19 08:00:00").  They are UTC unless --tz names the zone
 * the writer ran in: a fixed offset ("+02:00", "-0530") or a zone of the
 * tz database ("Europe/Berlin"), with its daylight-saving rules.  The
 * setting is process-wide, made once before any file is read.
 */
#ifndef FP_UTIL_ZONE_H
#define FP_UTIL_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "UTC", "Z", "+HH:MM", "+HHMM", "-HH", or a tz database name on this machine? */
bool fp_zone_valid(const char *spec);
/* Use @spec from now on.  0 or FP_EUSAGE (not a zone). */
int fp_zone_set(const char *spec);

/* The zone in use, as given ("UTC" by default). */
const char *fp_zone_name(void);

/*
 * @wall: a wall-clock time read as if it were UTC.  The UTC time it stands
 * for in the zone in use.  A wall time that the zone skipped (the hour a
 * clock springs forward) or repeated is resolved as mktime() does.
 */
int64_t fp_zone_to_utc(int64_t wall);

#endif
