/* emu/replay.h - EMU: the pieces of `nfemu replay` other commands reuse (`nfemu diff`).
 * No kernel counterpart.  One emulated kernel booted as replay boots it (the ruleset through
 * the real iptables-legacy-restore under the shim, or a state; the topology), its outputs
 * hooked in with the caller's options, every packet traced; then fed a capture record by
 * record, as replay feeds it.  A state is only read: it is unlocked after loading and never
 * written back, so the same state can be opened twice.
 */
#ifndef NFEMU_EMU_REPLAY_H
#define NFEMU_EMU_REPLAY_H

#include "emu/capture.h"
#include "emu/output.h"

struct replay;
struct net;

struct replay_run_args {
	const char *topology, *rules, *state;   /* one of rules and state */
	u64 seed;
	bool open_ports;
	bool commit;                    /* --state: keep it locked and write the kernel back at
					 * close (nfemu trace --commit) */
};

/* NULL with the reason printed on stderr (one line naming the file, then what
 * iptables-legacy-restore said). */
struct replay *replay_run_open(const struct replay_run_args *a, const struct nfemu_output_opts *oo);
struct net *replay_run_net(struct replay *r);
void replay_run_packet(struct replay *r, u64 n, const struct nfemu_capture_pkt *pkt);
/* Closes the outputs (their summary, if any) and frees the kernel; nothing is written back
 * unless the run was opened with commit.  0, or 1 when writing the state back failed (said). */
int replay_run_close(struct replay *r);
/* Opened with commit, but the run went wrong: close without writing the state back. */
void replay_run_no_commit(struct replay *r);

#endif
