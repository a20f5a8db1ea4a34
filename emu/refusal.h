/* emu/refusal.h - EMU: the ABI's refusal (net->refusal) in words, for the user's one line.
 * No kernel counterpart (emu/refusal.c).
 */
#ifndef NFEMU_EMU_REFUSAL_H
#define NFEMU_EMU_REFUSAL_H

#include <stddef.h>
#include "kernel/observe.h"

struct net;

/* The line for refusal r at buf (at most len bytes with the terminator; "" when the call was
 * not refused, or a get was refused with nothing to add to its errno).  Its length. */
size_t nfemu_refusal_format(const struct nfemu_refusal *r, char *buf, size_t len);
/* The same for the net's last refusal, in a buffer reused by the next call. */
const char *nfemu_last_error(const struct net *net);

#endif
