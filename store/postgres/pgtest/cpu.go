package pgtest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of the CPU times in /proc/<pid>/stat (USER_HZ,
// 100 on Linux).
const clockTick = 10 * time.Millisecond

// CPU returns the processor time the server has used so far: its
// postmaster's and every running backend's (user and system), plus that of
// the backends that have exited (the postmaster's children's times). Read
// from /proc, so Linux only; an external server is an error. Benchmarks
// take the difference over a run to price a turn in the database.
func (s *Server) CPU() (time.Duration, error) {
	postmaster, err := s.postmaster()
	if err != nil {
		return 0, err
	}
	self, err := procTimes(postmaster)
	if err != nil {
		return 0, err
	}
	total := self.user + self.system + self.childUser + self.childSystem
	for _, pid := range children(postmaster) {
		if t, err := procTimes(pid); err == nil {
			total += t.user + t.system
		}
	}
	return time.Duration(total) * clockTick, nil
}

// Backends returns the server's running child processes.
func (s *Server) Backends() ([]int, error) {
	postmaster, err := s.postmaster()
	if err != nil {
		return nil, err
	}
	return children(postmaster), nil
}

// Settle waits (up to 5 s) until no child process but those in keep is
// left: a backend that has just exited counts in CPU only once the
// postmaster has reaped it.
func (s *Server) Settle(keep []int) {
	postmaster, err := s.postmaster()
	if err != nil {
		return
	}
	kept := map[int]bool{}
	for _, pid := range keep {
		kept[pid] = true
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		left := false
		for _, pid := range children(postmaster) {
			left = left || !kept[pid]
		}
		if !left {
			return
		}
	}
}

func (s *Server) postmaster() (int, error) {
	if s.dir == "" {
		return 0, fmt.Errorf("pgtest: the processes of an external server are unknown")
	}
	pidFile, err := os.ReadFile(filepath.Join(s.data(), "postmaster.pid"))
	if err != nil {
		return 0, fmt.Errorf("pgtest: postmaster: %w", err)
	}
	first, _, _ := strings.Cut(string(pidFile), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return 0, fmt.Errorf("pgtest: postmaster.pid: %w", err)
	}
	return pid, nil
}

// children are the processes whose parent is pid (zombies included).
func children(pid int) []int {
	var out []int
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		child, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		if t, err := procTimes(child); err == nil && t.parent == pid {
			out = append(out, child)
		}
	}
	return out
}

type procStat struct {
	parent                               int
	user, system, childUser, childSystem int64
}

// procTimes reads a process's parent and CPU times from /proc/<pid>/stat.
func procTimes(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	// The command name is in parentheses and may hold spaces: the fields
	// after it are state, ppid, …; utime is field 14 of the whole line.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("pgtest: /proc/%d/stat: no command", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15 {
		return procStat{}, fmt.Errorf("pgtest: /proc/%d/stat: %d fields", pid, len(f))
	}
	n := func(k int) int64 { v, _ := strconv.ParseInt(f[k], 10, 64); return v }
	return procStat{parent: int(n(1)), user: n(11), system: n(12), childUser: n(13), childSystem: n(14)}, nil
}
