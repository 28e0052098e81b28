//! Who is calling a function's Runtime API: on Linux, the process behind a loopback
//! connection, found through `/proc` (the socket's inode in `/proc/net/tcp`, then the process
//! whose descriptors hold it). Only the function's own process group may take its
//! invocations; another local process that finds the port is refused. (A random path in
//! `AWS_LAMBDA_RUNTIME_API` would break the runtime clients that take it as `host:port`.)

use std::net::SocketAddr;

/// Whether the connection from `peer` to `local` belongs to a process of group `pgid`.
/// `None` when it cannot be told (no `/proc`, not Linux, IPv6).
pub fn in_group(peer: SocketAddr, local: SocketAddr, pgid: u32) -> Option<bool> {
    #[cfg(target_os = "linux")]
    {
        let inode = socket_inode(peer, local)?;
        Some(group_holds(pgid, inode))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (peer, local, pgid);
        None
    }
}

/// `127.0.0.1:8080` as `/proc/net/tcp` writes it: `0100007F:1F90`.
fn proc_address(addr: SocketAddr) -> Option<String> {
    match addr {
        SocketAddr::V4(v4) => Some(format!(
            "{:08X}:{:04X}",
            u32::from_ne_bytes(v4.ip().octets()),
            v4.port()
        )),
        SocketAddr::V6(_) => None,
    }
}

/// The inode of the client's socket of the connection `peer` → `local`.
#[cfg(target_os = "linux")]
fn socket_inode(peer: SocketAddr, local: SocketAddr) -> Option<u64> {
    use std::io::BufRead;
    let (from, to) = (proc_address(peer)?, proc_address(local)?);
    // Read as far as the line: the kernel makes the table as it is read.
    let table = std::io::BufReader::new(std::fs::File::open("/proc/net/tcp").ok()?);
    table
        .lines()
        .skip(1)
        .map_while(Result::ok)
        .find_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            (fields.get(1) == Some(&from.as_str()) && fields.get(2) == Some(&to.as_str()))
                .then(|| fields.get(9)?.parse().ok())
                .flatten()
        })
}

/// Whether a process of group `pgid` holds socket `inode`.
#[cfg(target_os = "linux")]
fn group_holds(pgid: u32, inode: u64) -> bool {
    let wanted = format!("socket:[{inode}]");
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return false;
    };
    procs.flatten().any(|entry| {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            return false;
        };
        if process_group(pid) != Some(pgid) {
            return false;
        }
        std::fs::read_dir(format!("/proc/{pid}/fd"))
            .into_iter()
            .flatten()
            .flatten()
            .any(|fd| {
                std::fs::read_link(fd.path())
                    .is_ok_and(|target| target.as_os_str() == wanted.as_str())
            })
    })
}

/// The process group of `pid` (field 5 of `/proc/PID/stat`, after the name in parentheses).
#[cfg(target_os = "linux")]
fn process_group(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(2)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_as_proc_writes_them() {
        let a: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        assert_eq!(proc_address(a).as_deref(), Some("0100007F:1F90"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_owns_its_own_connection_and_no_other_group_does() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let local = listener.local_addr().unwrap();
        let client = std::net::TcpStream::connect(local).unwrap();
        let peer = client.local_addr().unwrap();
        // SAFETY: getpgrp has no preconditions.
        let own = unsafe { libc::getpgrp() } as u32;
        assert_eq!(in_group(peer, local, own), Some(true));
        assert_eq!(
            in_group(peer, local, own.wrapping_add(1_000_000)),
            Some(false)
        );
    }
}
