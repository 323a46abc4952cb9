/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util-file.h"

bool
fp_file_name_ok(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len <= 255 && name[0] != '.' && strchr(name, '/') == NULL;
}

int
fp_dir_ensure(const char *path, struct fp_err *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	struct stat st;

	if (len == 0 || len >= sizeof(buf))
		return fp_err_set(err, FP_EIO, path, 0, 0, "invalid directory name");
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return fp_err_set(err, FP_EIO, buf, 0, 0, "cannot create directory: %s",
					  strerror(errno));
		if (i < len)
			buf[i] = '/';
	}
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return fp_err_set(err, FP_EIO, path, 0, 0, "not a directory");
	return 0;
}

/*
 * Remove ".NAME.XXXXXX" files a killed writer of @name left in @dir: only
 * names of exactly our temporary pattern, never anything else.
 */
static void
remove_stale_temps(const char *dir, const char *name)
{
	size_t nlen = strlen(name);
	struct dirent *de;
	char path[PATH_MAX];
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		const char *e = de->d_name;

		if (e[0] != '.' || strlen(e) != nlen + 8 || strncmp(e + 1, name, nlen) != 0 ||
		    e[nlen + 1] != '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e);
		unlink(path);
	}
	closedir(d);
}

int
fp_file_write_atomic(const char *dir, const char *name, const void *data, size_t len,
		     struct fp_err *err)
{
	char tmp[PATH_MAX], final[PATH_MAX];
	const char *p = data;
	int fd, n;

	if (!fp_file_name_ok(name))
		return fp_err_set(err, FP_EINPUT, dir, 0, 0, "refusing to write file name '%.64s'",
				  name);
	n = snprintf(final, sizeof(final), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(final) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name) >= (int)sizeof(tmp))
		return fp_err_set(err, FP_EIO, dir, 0, 0, "path too long");
	remove_stale_temps(dir, name);
	fd = mkstemp(tmp);
	if (fd < 0)
		return fp_err_set(err, FP_EIO, final, 0, 0, "cannot create: %s", strerror(errno));
	/* mkstemp makes 0600; policies are meant to be read and committed. */
	if (fchmod(fd, 0644) < 0)
		goto fail;
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto fail;
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, final) < 0)
		goto fail;
	return 0;
fail:
	fp_err_set(err, FP_EIO, final, 0, 0, "cannot write: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return FP_EIO;
}
