/*
 * record/xlat.h - constant tables: numbers to symbolic names.
 *
 * A table is an array of {value, name} ending with {0, NULL}.  Values come
 * from the C library / kernel headers, never typed by hand.
 */
#ifndef REC_XLAT_H
#define REC_XLAT_H

#include <stdint.h>
#include "../faultline.h"

struct xlat {
	uint64_t val;
	const char *name;
};

/* Exact match: name or NULL. */
const char *xlat_name(const struct xlat *t, uint64_t val);
/* value as one name, or fallback printf(fmt) e.g. "%#llx". */
void xlat_val(struct sb *b, const struct xlat *t, uint64_t val, const char *fallback_fmt);
/* Bit flags: "A|B|0x40"; 0 prints as "0" unless the table maps 0. */
void xlat_flags(struct sb *b, const struct xlat *t, uint64_t val);

extern const struct xlat xl_open_flags[];    /* without the O_ACCMODE part */
extern const struct xlat xl_open_accmode[];  /* O_RDONLY O_WRONLY O_RDWR */
extern const struct xlat xl_prot[];
extern const struct xlat xl_mmap_flags[];    /* without the MAP_TYPE part */
extern const struct xlat xl_mmap_type[];     /* MAP_SHARED MAP_PRIVATE ... */
extern const struct xlat xl_access_mode[];   /* R_OK W_OK X_OK (F_OK = 0) */
extern const struct xlat xl_at_flags[];
extern const struct xlat xl_sock_family[];
extern const struct xlat xl_sock_type[];     /* SOCK_STREAM ... (low 4 bits) */
extern const struct xlat xl_sock_type_flags[];/* SOCK_NONBLOCK SOCK_CLOEXEC */
extern const struct xlat xl_signals[];
extern const struct xlat xl_whence[];
extern const struct xlat xl_clone_flags[];
extern const struct xlat xl_fcntl_cmd[];
extern const struct xlat xl_msg_flags[];
extern const struct xlat xl_rename_flags[];
extern const struct xlat xl_falloc_mode[];
extern const struct xlat xl_madv[];
extern const struct xlat xl_ioctl_cmd[];
extern const struct xlat xl_sigprocmask_how[];
extern const struct xlat xl_futex_op[];      /* FUTEX_WAIT ... (cmd part) */
extern const struct xlat xl_arch_prctl[];
extern const struct xlat xl_prctl_opt[];
extern const struct xlat xl_sock_level[];
extern const struct xlat xl_shut_how[];
extern const struct xlat xl_wait_opts[];
extern const struct xlat xl_statx_mask[];
extern const struct xlat xl_epoll_ctl[];

#endif
