/* emu/state.h - EMU: the emulated kernel kept in a file between processes.
 *
 * Linux keeps its tables in memory for as long as the machine runs; nfemu's kernel lives
 * only while one process runs, so each process (the shim inside iptables, `nfemu replay`,
 * `nfemu lsmod`, ...) loads it from the state file, works on it, and writes it back.
 *
 * What is saved is what the ABI can read back: the loaded modules (oldest first) and, for
 * each table (oldest first), the IPT_SO_GET_ENTRIES blob with its counters.  Loading
 * replays that through the ABI itself: request_module for each module, then
 * IPT_SO_SET_REPLACE and IPT_SO_SET_ADD_COUNTERS for each table, exactly as
 * iptables-restore -c would, so every rule passes translate_table and its checkentry again.
 *
 * Writes are atomic (temporary file, fsync, rename, fsync of the directory) and the whole
 * load-modify-store is done under an exclusive flock on "<state>.lock", so concurrent
 * processes never lose an update and a writer killed mid-write leaves the old state.
 */
#ifndef NFEMU_EMU_STATE_H
#define NFEMU_EMU_STATE_H

#include <stdbool.h>
#include <stddef.h>

struct net;

struct nfemu_state {
	char *path;             /* the state file */
	int lock_fd;            /* flock()ed "<path>.lock", -1 when not held */
	bool existed;           /* the file existed when opened */
	unsigned char *image;   /* the bytes loaded or last committed: commit skips equal writes */
	size_t image_len;
};

/* The state file path: explicit, else $NFEMU_STATE, else "./nfemu.state". */
const char *nfemu_state_path(const char *explicit_path);

/* Lock the state and load it into a fresh net (a missing file = a freshly booted kernel).
 * On error returns -errno and writes one line saying what and where into err. */
int nfemu_state_open(struct nfemu_state *st, const char *path, struct net **netp,
		     char *err, size_t errlen);
/* Write net back atomically (still locked); nothing is written when the image is unchanged.
 * A kernel whose image would not load again (see state.c) is refused: -EINVAL, err says why,
 * and the file keeps the previous kernel. */
int nfemu_state_commit(struct nfemu_state *st, struct net *net, char *err, size_t errlen);
/* Unlock; does not free net. */
void nfemu_state_close(struct nfemu_state *st);

/* Lower-level, for tests: serialize to / parse from memory. */
int nfemu_state_serialize(struct net *net, unsigned char **buf, size_t *len);
int nfemu_state_deserialize(struct net *net, const unsigned char *buf, size_t len,
			    char *err, size_t errlen);

#endif
