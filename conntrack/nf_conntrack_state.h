/* conntrack/nf_conntrack_state.h - EMU: the conntrack table in nfemu's state file.
 *
 * emu/state.c stores the payload as its NFEMU_SEC_CONNTRACK section; see
 * nf_conntrack_state.c for the layout.  No kernel counterpart.
 */
#ifndef NFEMU_CONNTRACK_NF_CONNTRACK_STATE_H
#define NFEMU_CONNTRACK_NF_CONNTRACK_STATE_H

#include <stdbool.h>
#include <stddef.h>

struct net;

/* The payload (malloc'd) for net's table and clock; *lenp = 0 (and no buffer) when
 * nf_conntrack is not loaded.  0 or -ENOMEM. */
int nf_conntrack_state_save(struct net *net, unsigned char **bufp, size_t *lenp);
/* The same, streamed: flush(ctx, p, n) gets the payload's first bytes each time a megabyte
 * (RTS_FLUSH_AT) has filled; what is left at the end is *bufp, *lenp (the whole payload when
 * flush was never called).  0, -ENOMEM or flush's error. */
int nf_conntrack_state_save_stream(struct net *net, int (*flush)(void *ctx, const unsigned char *p,
								 size_t n),
				   void *ctx, unsigned char **bufp, size_t *lenp);

/* A payload of total bytes read in windows: buf[0..len) is the window, at payload offset base;
 * more(src, keep) moves it on to start at what was buf[keep] (keeping the rest) and reads
 * more, setting eof once the window reaches the payload's end.  0 or -errno. */
struct nf_ct_state_src {
	const unsigned char *buf;
	size_t len, base, total;
	bool eof;
	int (*more)(struct nf_ct_state_src *src, size_t keep);
	void *ctx;
};
int nf_conntrack_state_load_src(struct net *net, struct nf_ct_state_src *src, char *err,
				size_t errlen);
/* Restore the clock and the entries into net (nf_conntrack loaded, table empty).  On error,
 * -EINVAL and one line in err saying which entry and what is wrong. */
int nf_conntrack_state_load(struct net *net, const unsigned char *buf, size_t len, char *err,
			    size_t errlen);

#endif
