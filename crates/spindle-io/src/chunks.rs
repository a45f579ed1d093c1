//! Compressing the chunks of the (T, N) value datasets outside the HDF5 library, on several
//! threads, and writing them with HDF5's direct chunk write (`H5Dwrite_chunk`).
//!
//! HDF5 runs a dataset's filters on the thread that writes, one chunk after another; on a
//! multimeter that records every neuron, deflate (~40 MB/s per core) was the bottleneck of the
//! whole run. Here every chunk that a block completes is shuffled and deflated exactly as
//! HDF5's own `shuffle` and `deflate` filters would (byte transposition of the float64
//! elements, then a zlib stream), by up to [`workers`] threads at once, and handed to HDF5
//! already filtered. The file is the same standard HDF5 file, readable by anything that reads
//! gzip-compressed datasets (h5py, pandas, HDFView, the HDF5 tools).
//!
//! A partly filled chunk is not compressed here: at a checkpoint it goes through HDF5's
//! ordinary write (its filters), and when the chunk is complete later it is written again
//! directly; `H5Dwrite_chunk` drops the library's cached copy of that chunk.

use hdf5::Dataset;
use std::io::Write;

/// How many threads compress chunks: the machine's cores (the simulation's threads wait for
/// the writer only when its queue is full, so the two share the cores).
pub(crate) fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// One chunk to write: where it starts (row, column) and its `rows × cols` values, row-major,
/// with columns past the dataset's width (an edge chunk) filled with 0.0, HDF5's fill value.
pub(crate) struct Chunk {
    pub dataset: usize,
    pub offset: [u64; 2],
    pub values: Vec<f64>,
}

/// HDF5's shuffle filter on float64 elements (byte `j` of element `i` goes to
/// `j · n + i`), then its deflate filter (a zlib stream at `level`).
pub(crate) fn shuffle_deflate(values: &[f64], level: u32) -> Vec<u8> {
    let n = values.len();
    let mut shuffled = vec![0u8; n * 8];
    for (i, v) in values.iter().enumerate() {
        for (j, b) in v.to_le_bytes().into_iter().enumerate() {
            shuffled[j * n + i] = b;
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(shuffled.len() / 2),
        flate2::Compression::new(level),
    );
    z.write_all(&shuffled)
        .and_then(|()| z.finish())
        .expect("writing into a Vec cannot fail")
}

/// Compress `chunks` on up to [`workers`] threads; the result is in the order of `chunks`.
pub(crate) fn compress_all(chunks: &[Chunk], level: u32) -> Vec<Vec<u8>> {
    let threads = workers().min(chunks.len());
    if threads <= 1 {
        return chunks
            .iter()
            .map(|c| shuffle_deflate(&c.values, level))
            .collect();
    }
    let mut out = vec![Vec::new(); chunks.len()];
    let per = chunks.len().div_ceil(threads);
    std::thread::scope(|s| {
        for (dst, src) in out.chunks_mut(per).zip(chunks.chunks(per)) {
            s.spawn(move || {
                for (d, c) in dst.iter_mut().zip(src) {
                    *d = shuffle_deflate(&c.values, level);
                }
            });
        }
    });
    out
}

/// Write one already filtered chunk at `offset` (which must lie inside the dataset's extent).
#[allow(unsafe_code)]
pub(crate) fn write_filtered(ds: &Dataset, offset: [u64; 2], bytes: &[u8]) -> hdf5::Result<()> {
    use hdf5_sys::h5d::H5Dwrite_chunk;
    use hdf5_sys::h5p::H5P_DEFAULT;
    // SAFETY: `ds.id()` is a valid open dataset for the life of `ds`; `offset` points to two
    // coordinates, the dataset's rank; `bytes` is valid for `bytes.len()` bytes; a filter mask
    // of 0 says every filter of the pipeline was applied. HDF5 copies the buffer before
    // returning and reports errors through its return value, which is checked.
    let status = hdf5::sync::sync(|| unsafe {
        H5Dwrite_chunk(
            ds.id(),
            H5P_DEFAULT,
            0,
            offset.as_ptr(),
            bytes.len(),
            bytes.as_ptr().cast(),
        )
    });
    hdf5::h5check(status).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_moves_byte_planes_together() {
        // Two elements: their low bytes come first, then the next bytes, ...
        let v = [
            f64::from_bits(0x0807_0605_0403_0201),
            f64::from_bits(0x1817_1615_1413_1211),
        ];
        let z = shuffle_deflate(&v, 1);
        let mut raw = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::ZlibDecoder::new(&z[..]), &mut raw).unwrap();
        assert_eq!(
            raw,
            [1, 0x11, 2, 0x12, 3, 0x13, 4, 0x14, 5, 0x15, 6, 0x16, 7, 0x17, 8, 0x18]
        );
    }

    #[test]
    fn parallel_compression_keeps_the_order() {
        let chunks: Vec<Chunk> = (0..7)
            .map(|k| Chunk {
                dataset: 0,
                offset: [k, 0],
                values: (0..1000).map(|i| (i * (k as usize + 1)) as f64).collect(),
            })
            .collect();
        let together = compress_all(&chunks, 4);
        for (c, z) in chunks.iter().zip(&together) {
            assert_eq!(*z, shuffle_deflate(&c.values, 4));
        }
    }
}
