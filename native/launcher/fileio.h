/* Writing a value to a kernel file (/proc, cgroupfs) the way those files want it. */
#ifndef NSBOX_FILEIO_H
#define NSBOX_FILEIO_H

/* One write(2) of the whole value: kernel files take it at once. Returns 0 or an errno (EIO for
 * a short write). */
int write_file(const char *path, const char *value);

#endif
