//! A minimal blocking HTTP/1.1 client: the tests need exact control over connections (reuse,
//! half-sent bodies, `Connection: close`), which a full client hides.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A keep-alive connection.
pub struct Connection {
    reader: BufReader<TcpStream>,
    /// The server said `Connection: close`: no further request may be sent on it.
    pub closing: bool,
}

impl Connection {
    pub fn open(addr: SocketAddr) -> std::io::Result<Self> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        stream.set_read_timeout(Some(Duration::from_secs(15)))?;
        stream.set_nodelay(true)?;
        Ok(Self {
            reader: BufReader::new(stream),
            closing: false,
        })
    }

    /// Writes raw bytes (a request, or part of one).
    pub fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.reader.get_mut().write_all(bytes)
    }

    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &str,
    ) -> std::io::Result<Answer> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(ct) = content_type {
            let _ = write!(head, "Content-Type: {ct}\r\n");
        }
        head.push_str("\r\n");
        self.write(head.as_bytes())?;
        self.write(body.as_bytes())?;
        self.read_answer()
    }

    pub fn read_answer(&mut self) -> std::io::Result<Answer> {
        let bad =
            |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed before a response",
            ));
        }
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad(&line))?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                break;
            }
            let (k, v) = trimmed.split_once(':').ok_or_else(|| bad(trimmed))?;
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
        let answer_len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .ok_or_else(|| bad("no Content-Length"))?;
        let mut body = vec![0; answer_len];
        self.reader.read_exact(&mut body)?;
        let answer = Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        self.closing = answer
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        Ok(answer)
    }
}

/// One request on a fresh connection.
pub fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &str,
) -> Answer {
    Connection::open(addr)
        .and_then(|mut c| c.request(method, path, content_type, body))
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

pub fn get(addr: SocketAddr, path: &str) -> Answer {
    call(addr, "GET", path, None, "")
}

pub fn post_entry(addr: SocketAddr, message: &str) {
    let a = call(
        addr,
        "POST",
        "/api/entries",
        Some("application/json"),
        &format!(r#"{{"message":"{message}"}}"#),
    );
    assert_eq!(a.status, 201, "POST {message:?}: {}", a.body);
}
