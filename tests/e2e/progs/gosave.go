// gosave - saves a counter file the durable way: write a temp file in the
// same directory, fsync it, rename it over the old file, fsync the
// directory.  Any error is reported and the exit status is 1.  The file
// is always the old or the new state, whole, even after a power loss.
// Used by tests/e2e/realworld.sh as a correct program: no bug outcome.
//
// The main goroutine is locked to the main thread: otherwise the runtime
// moves it to another OS thread after a blocking syscall (fsync), at a
// moment that depends on timing, and faultline, which names a fault point
// by thread and nth call in that thread, cannot find the later points in a
// replay (not_reached). GOSAVE_NOLOCK=1 leaves it unlocked.
//
// usage: gosave FILE N   (writes N lines "line-I" to FILE)
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

func init() {
	if os.Getenv("GOSAVE_NOLOCK") != "1" {
		runtime.LockOSThread()
	}
}

func save(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".gosave-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gosave FILE N")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "gosave: bad count:", err)
		os.Exit(2)
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "line-%d\n", i)
	}
	if err := save(os.Args[1], []byte(b.String())); err != nil {
		fmt.Fprintln(os.Stderr, "gosave:", err)
		os.Exit(1)
	}
}
