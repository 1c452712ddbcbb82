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
void rec_fdc_put(struct rec_fdcache *d, pid_t pid, long fd, const char *desc);
void rec_fdc_drop(struct rec_fdcache *d, pid_t pid, long fd);
const char *rec_fdc_cwd(struct rec_fdcache *d, pid_t pid);
void rec_fdc_cwd_changed(struct rec_fdcache *d, pid_t pid);

#endif
