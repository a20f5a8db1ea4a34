/* tests/unit/blob.h - build struct ipt_replace blobs in tests, laid out as libiptc lays them.
 *
 * A blob is a sequence of ipt_entry records: the built-in chains in hook order (rules, then
 * the policy that is the hook's underflow), user chains (an ERROR entry naming the chain,
 * rules, an unconditional RETURN), and a final ERROR entry.  Jumps to user chains are
 * resolved to byte offsets when the blob is finished.  No kernel code: only UAPI layouts.
 */
#ifndef NFEMU_TESTS_UNIT_BLOB_H
#define NFEMU_TESTS_UNIT_BLOB_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netfilter_ipv4/ip_tables.h>

struct blob;

/* Start a table; valid_hooks is the table's hook mask (filter: INPUT|FORWARD|OUTPUT). */
struct blob *blob_begin(const char *table, unsigned int valid_hooks);

/* Low level: the next entry is hook_entry[hook]; the policy entry is underflow[hook]
 * (an unconditional standard target, verdict NF_ACCEPT/NF_DROP/... as -v - 1). */
void blob_hook(struct blob *b, unsigned int hook);
void blob_policy(struct blob *b, unsigned int hook, int nf_verdict);

/* High level: empty ACCEPT chains for the valid hooks before `hook`, then open `hook`;
 * blob_close_hooks() gives the open hook its ACCEPT policy and the rest empty chains. */
void blob_open_hook(struct blob *b, unsigned int hook);
void blob_close_hooks(struct blob *b);

/* A user-defined chain (its ERROR head entry) and its closing unconditional RETURN. */
void blob_chain(struct blob *b, const char *name);
void blob_return(struct blob *b);

/* One rule: blob_rule() (ip may be NULL: all zero, unconditional), any number of
 * blob_match(), then exactly one of blob_target()/blob_verdict()/blob_jump(). */
unsigned int blob_rule(struct blob *b, const struct ipt_ip *ip);
void blob_match(struct blob *b, const char *name, uint8_t rev, const void *data, size_t size);
void blob_target(struct blob *b, const char *name, uint8_t rev, const void *data, size_t size);
void blob_verdict(struct blob *b, int verdict);         /* raw: -NF_ACCEPT - 1, XT_RETURN, offset */
void blob_jump(struct blob *b, const char *chain);      /* to the first rule of a user chain */
/* No -j: libiptc sends a standard target jumping to the very next entry. */
void blob_fallthrough(struct blob *b);

/* Add n bytes of padding to the last entry (its next_offset grows). */
void blob_pad(struct blob *b, unsigned int n);

/* Finish with (blob_error_end) or without (blob_end) the final ERROR entry.  num_counters
 * and counters are left 0/NULL for the caller.  *len is the setsockopt length.  Frees b. */
struct ipt_replace *blob_error_end(struct blob *b, unsigned int *len);
struct ipt_replace *blob_end(struct blob *b, unsigned int *len);

/* The initial table: an empty ACCEPT chain per valid hook, then the ERROR entry. */
struct ipt_replace *blob_initial(const char *table, unsigned int valid_hooks, unsigned int *len);

/* Walk a finished blob (or the entrytable of a GET_ENTRIES answer). */
struct ipt_entry *blob_entry(void *entries, unsigned int size, unsigned int idx);
unsigned int blob_offset(void *entries, unsigned int size, unsigned int idx);
struct xt_entry_match *blob_entry_match(struct ipt_entry *e, unsigned int n);
struct xt_entry_target *blob_entry_target(struct ipt_entry *e);
unsigned int blob_count(void *entries, unsigned int size);

#endif
