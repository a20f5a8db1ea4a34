/* kernel/kernel.h - the small slice of <linux/kernel.h> the emulated kernel is written against.
 *
 * Fixed-width types, ARRAY_SIZE, ERR_PTR helpers and printk.  EMU: printk takes the
 * struct net it speaks for, because nfemu keeps the kernel log per emulated kernel
 * (net->printk) instead of in a global ring; the ABI layer turns the last line into
 * the one-line refusal the user sees.
 */
#ifndef NFEMU_EMU_KERNEL_H
#define NFEMU_EMU_KERNEL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <linux/types.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef uint8_t u_int8_t;
typedef uint16_t u_int16_t;
typedef uint32_t u_int32_t;

#define U8_MAX ((u8)~0U)
#define U16_MAX ((u16)~0U)
#define U32_MAX ((u32)~0U)
#define U64_MAX ((u64)~0ULL)
#define S32_MAX ((s32)(U32_MAX >> 1))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define BIT(n) (1UL << (n))

#define MAX_ERRNO 4095
static inline void *ERR_PTR(long err) { return (void *)err; }
static inline long PTR_ERR(const void *p) { return (long)p; }
static inline bool IS_ERR(const void *p) { return (unsigned long)p >= (unsigned long)-MAX_ERRNO; }
static inline bool IS_ERR_OR_NULL(const void *p) { return !p || IS_ERR(p); }

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

struct net;

/* printk into net->printk (see kernel/net.c).  Lines end without '\n' in the buffer. */
void nfemu_printk(struct net *net, const char *level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define pr_err(net, ...) nfemu_printk(net, "err", __VA_ARGS__)
#define pr_warn(net, ...) nfemu_printk(net, "warn", __VA_ARGS__)
#define pr_info(net, ...) nfemu_printk(net, "info", __VA_ARGS__)
#define pr_debug(net, ...) nfemu_printk(net, "debug", __VA_ARGS__)
/* EMU: no rate limiting is needed for a log that only keeps what this request said. */
#define pr_info_ratelimited(net, ...) nfemu_printk(net, "info", __VA_ARGS__)
#define pr_err_ratelimited(net, ...) nfemu_printk(net, "err", __VA_ARGS__)

#endif
