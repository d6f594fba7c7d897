package cache

import (
	"runtime"
	"sync"
)

// forEach calls fn(i) for every i in [0, n) on up to maxIndexWorkers
// goroutines (as many as there are cores) and returns when all are done.
// Parsing is the slow part of indexing and each item is independent.
func forEach(n int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), maxIndexWorkers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
