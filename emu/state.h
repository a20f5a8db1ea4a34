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
#include "kernel/kernel.h"

struct net;

struct nfemu_state {
	char *path;             /* the state file */
	int lock_fd;            /* flock()ed "<path>.lock", -1 when not held */
	bool existed;           /* the file existed when opened */
	unsigned char *image;   /* the bytes loaded or last committed: commit skips equal writes */
	size_t image_len;
	unsigned int flags;     /* NFEMU_STATE_* */
	/* NFEMU_STATE_LAZY_CT: the conntrack section of image, not loaded into the kernel yet
	 * (ct_lazy); commit writes it back as it was */
	bool ct_lazy;
	size_t ct_off, ct_len;  /* the section's payload in image (when not ct_file) */
	/* the table is in a conntrack file of its own beside the state (state.c): its id, the
	 * payload's length and crc32, and the file, opened with the state */
	bool ct_file;
	unsigned long long ct_id, ct_flen;
	u32 ct_crc;
	int ct_fd;
	u64 gen;                /* net->emu_gen when loaded or last committed */
	u64 gen_rules;          /* net->emu_gen_rules then */
	/* the file as loaded or last written, to tell whether another process replaced it */
	bool id_exists;
	unsigned long long id_dev, id_ino, id_size;
	long long id_mtime_ns, id_ctime_ns;
};

/* Leave the conntrack table in the file until something asks for it (nfemu_state_load_conntrack):
 * a command about rules or modules does not pay for a large connection table. */
#define NFEMU_STATE_LAZY_CT 0x1u

/* The state file path: explicit, else $NFEMU_STATE, else "./nfemu.state". */
const char *nfemu_state_path(const char *explicit_path);

/* Lock the state and load it into a fresh net (a missing file = a freshly booted kernel).
 * On error returns -errno and writes one line saying what and where into err. */
int nfemu_state_open(struct nfemu_state *st, const char *path, struct net **netp,
		     char *err, size_t errlen);
int nfemu_state_open_flags(struct nfemu_state *st, const char *path, unsigned int flags,
			   struct net **netp, char *err, size_t errlen);
/* Load the conntrack table a lazy open left in the file (a no-op otherwise).  0 or -errno. */
int nfemu_state_load_conntrack(struct nfemu_state *st, struct net *net, char *err, size_t errlen);
/* Write net back atomically (still locked); nothing is written when the image is unchanged.
 * A kernel whose image would not load again (see state.c) is refused: -EINVAL, err says why,
 * and the file keeps the previous kernel. */
int nfemu_state_commit(struct nfemu_state *st, struct net *net, char *err, size_t errlen);
/* The same, as the kernel's last act (the caller frees net next, whatever the result): a
 * connection table that went to a conntrack file of its own is emptied from net before the
 * new state is checked, so that checking it does not hold the table twice. */
int nfemu_state_commit_last(struct nfemu_state *st, struct net *net, char *err, size_t errlen);
/* The same, for a command that ran no packets: nothing is even serialized when no module,
 * table or counter changed since the load (net->emu_gen). */
int nfemu_state_commit_if_changed(struct nfemu_state *st, struct net *net, char *err, size_t errlen);
/* Unlock; does not free net. */
void nfemu_state_close(struct nfemu_state *st);

/* EMU: for a process that makes several calls (the shim): give the lock up but keep st and the
 * kernel (nfemu_state_unlock), and at the next call take it again and keep the kernel unless
 * another process replaced the file since (nfemu_state_reopen: *netp is then reloaded). */
void nfemu_state_unlock(struct nfemu_state *st);
int nfemu_state_reopen(struct nfemu_state *st, struct net **netp, char *err, size_t errlen);

/* Lower-level, for tests: serialize to / parse from memory. */
int nfemu_state_serialize(struct net *net, unsigned char **buf, size_t *len);
int nfemu_state_deserialize(struct net *net, const unsigned char *buf, size_t len,
			    char *err, size_t errlen);

#endif
