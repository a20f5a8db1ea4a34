/* emu/xt_decode.h - EMU: an extension's data, field by field, as its UAPI struct declares it.
 *
 * `nfemu dump` prints each match's matchinfo and target's targinfo, as IPT_SO_GET_ENTRIES
 * returns them, with the struct the extension shares with iptables
 * (include/uapi/linux/netfilter*).  No kernel counterpart: the kernel only hands these bytes
 * to the extension's match()/target().
 */
#ifndef NFEMU_EMU_XT_DECODE_H
#define NFEMU_EMU_XT_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The UAPI struct of (kind, name, revision), its sizeof, or NULL when nfemu has no decoder. */
const char *xt_decode_struct(bool target, const char *name, unsigned int revision, size_t *size);

/* Print data (len bytes, XT_ALIGN(sizeof struct)) one field a line, each line starting with
 * indent, as a C designated initializer (".dpts = { 22, 22 }") with what the value means in a
 * comment.  Returns false, printing nothing, when there is no decoder or len does not fit. */
bool xt_decode_data(FILE *f, const char *indent, bool target, const char *name,
		    unsigned int revision, const unsigned char *data, size_t len);

/* Hex lines "indent+0000  xx xx ..." of len bytes, 16 a line, offsets from base. */
void xt_decode_hex(FILE *f, const char *indent, const unsigned char *p, size_t len, size_t base);

#endif
