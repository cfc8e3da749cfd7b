module runnel.dev/bench

go 1.19

require (
	golang.org/x/sync v0.1.0
	golang.org/x/time v0.3.0
)
