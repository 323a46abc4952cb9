/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <string.h>

#include "lib/reader-antrea-np.h"
#include "lib/reader-antrea.h"
#include "lib/reader-calico.h"
#include "lib/reader-eks.h"
#include "lib/reader-gke.h"
#include "lib/reader-hubble.h"
#include "lib/reader-vpc.h"
#include "lib/reader-native.h"
#include "lib/reader-theia.h"
#include "lib/reader.h"

static const struct fp_reader *const readers[] = {
	&fp_reader_hubble,
	&fp_reader_vpc,
	&fp_reader_calico,
	&fp_reader_gke,
	&fp_reader_eks,
	&fp_reader_antrea_csv,
	&fp_reader_antrea_np,
	&fp_reader_theia,
	&fp_reader_native,
	NULL,
};

const struct fp_reader *const *
fp_reader_all(void)
{
	return readers;
}

const struct fp_reader *
fp_reader_find(const char *name)
{
	for (size_t i = 0; readers[i] != NULL; i++)
		if (strcmp(readers[i]->name, name) == 0)
			return readers[i];
	return NULL;
}

const struct fp_reader *
fp_reader_detect(const char *line, size_t len)
{
	const struct fp_reader *best = NULL;
	int best_score = 0;

	for (size_t i = 0; readers[i] != NULL; i++) {
		int score = readers[i]->detect(line, len);

		if (score > best_score) {
			best = readers[i];
			best_score = score;
		}
	}
	return best;
}
