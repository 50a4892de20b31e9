package main

import (
	"sync"
	"testing"
	"time"
)

// arrivals lets a test wait for what a fake platform receives: the fake
// calls arrived at each call, the test waits for the next one.
type arrivals struct {
	mu sync.Mutex
	ch chan struct{}
}

// next is closed at the next arrival.
func (a *arrivals) next() <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ch == nil {
		a.ch = make(chan struct{})
	}
	return a.ch
}

// arrived wakes whoever waits for the next arrival.
func (a *arrivals) arrived() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ch != nil {
		close(a.ch)
		a.ch = nil
	}
}

// waitFor waits until cond holds, checking it again at every arrival; it
// fails the test after 10 s.
func (a *arrivals) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		next := a.next()
		if cond() {
			return
		}
		select {
		case <-next:
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
