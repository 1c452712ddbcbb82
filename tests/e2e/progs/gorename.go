// gorename: 8 goroutines, each saves its own file 3 times by writing a
// temporary file, fsyncing it and renaming it over the final name.  Even
// goroutines give up on any error (exit 1, the old file stays); odd ones
// carry on after a failed write and rename the torn file into place (the
// planted bug: an EIO on their write breaks the check).
// The Go scheduler moves goroutines between OS threads, so which thread
// makes the nth write differs from run to run; the files do not.
package main

import (
	"fmt"
	"os"
	"sync"
)

func save(g, round int) error {
	final := fmt.Sprintf("out-%d.txt", g)
	tmp := final + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0644)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("goroutine %d round %d complete\n", g, round)
	for i := 0; i < 4; i++ {
		if _, err := f.WriteString(line); err != nil && g%2 == 0 {
			f.Close()
			os.Remove(tmp)
			return err
		}
	}
	if err := f.Sync(); err != nil && g%2 == 0 {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, final)
}

func main() {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for round := 0; round < 3; round++ {
				if err := save(g, round); err != nil {
					errs <- err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		fmt.Fprintln(os.Stderr, "gorename:", err)
		os.Exit(1)
	}
}
