/*
 * record/fdcache.h - per-process fd descriptions and cwd (fdcache.c).
 */
#ifndef REC_FDCACHE_H
#define REC_FDCACHE_H

#include <sys/types.h>
#include "../faultline.h"

struct rec_fdcache;
struct rec_fdcache *rec_fdc_new(void);
void rec_fdc_free(struct rec_fdcache *d);
/* pid's address space and fd table are gone or replaced. */
void rec_fdc_forget(struct rec_fdcache *d, pid_t pid);
/* What fd points to ("/etc/passwd", "socket:[12]"), or NULL if not open. */
const char *rec_fdc_desc(struct rec_fdcache *d, pid_t pid, long fd);
/* fd now points to desc; std as rec_fdc_std() would say, or -1 to ask
 * the kernel when someone wants to know (a fresh open is 0). */
void rec_fdc_put(struct rec_fdcache *d, pid_t pid, long fd, const char *desc, int std);
void rec_fdc_drop(struct rec_fdcache *d, pid_t pid, long fd);
/* The references for rec_fdc_std(): bit i of mask says faultline's own fd i
 * (0, 1, 2) was open when it started, so the program inherits it. */
void rec_fdc_std_refs(struct rec_fdcache *d, unsigned mask);
/* 1 if pid's fd is the same open file description as one of the
 * references (an inherited stdin, stdout or stderr, or a dup of one),
 * else 0 (also when fd is not open or there are no references). */
int rec_fdc_std(struct rec_fdcache *d, pid_t pid, long fd);
const char *rec_fdc_cwd(struct rec_fdcache *d, pid_t pid);
void rec_fdc_cwd_changed(struct rec_fdcache *d, pid_t pid);
/* Append the kinds (rec_fd_kind) of faultline's own fds 0, 1 and 2, which
 * the program inherits: "tty pipe tty"; "-" for a closed one. */
void rec_stdio_kinds(struct sb *out);

#endif
