/**
 * A friendly kind for a file ("Image", "PDF"), from its MIME type, else its
 * extension: what the Type column shows instead of a cut-off MIME type.
 */
export type FileKind = 'Folder' | 'Image' | 'PDF' | 'Video' | 'Audio' | 'Text' | 'Archive' | 'Document' | 'Spreadsheet' | 'File'

const BY_TYPE: ReadonlyArray<[RegExp, FileKind]> = [
  [/^inode\/directory$/, 'Folder'],
  [/^image\//, 'Image'],
  [/^application\/pdf$/, 'PDF'],
  [/^video\//, 'Video'],
  [/^audio\//, 'Audio'],
  [/^(application\/(zip|gzip|x-gzip|x-tar|x-7z-compressed|x-rar-compressed|vnd\.rar|x-bzip2|x-xz|zstd))$/, 'Archive'],
  [/(spreadsheet|excel|^text\/csv$|^text\/tab-separated-values$)/, 'Spreadsheet'],
  [/(presentation|powerpoint|msword|wordprocessing|opendocument\.text|^application\/rtf$|^application\/epub)/, 'Document'],
  [/^text\/|^application\/(json|xml|javascript|x-sh|yaml|toml)$/, 'Text']
]

const BY_EXTENSION: Record<string, FileKind> = {}
const EXTENSIONS: ReadonlyArray<[FileKind, string]> = [
  ['Image', 'jpg jpeg png gif webp avif heic heif bmp svg tif tiff ico raw cr2 nef dng'],
  ['PDF', 'pdf'],
  ['Video', 'mp4 m4v mov webm mkv avi wmv mpg mpeg 3gp'],
  ['Audio', 'mp3 m4a aac wav flac ogg oga opus wma aiff'],
  ['Text', 'txt md markdown log json xml yaml yml toml ini cfg conf js ts tsx jsx py rb go rs c h cpp java kt swift sh css html htm sql'],
  ['Archive', 'zip tar gz tgz bz2 xz 7z rar zst'],
  ['Document', 'doc docx odt rtf pages epub ppt pptx odp key'],
  ['Spreadsheet', 'xls xlsx ods csv tsv numbers']
]
for (const [kind, list] of EXTENSIONS) for (const ext of list.split(' ')) BY_EXTENSION[ext] = kind

/** The kind of a file named `name` of MIME type `type` ('' when unknown). */
export function fileKind (name: string, type: string): FileKind {
  const mime = type.toLowerCase().split(';')[0]?.trim() ?? ''
  // A generic type says nothing: the extension knows better.
  if (mime !== '' && mime !== 'application/octet-stream') {
    for (const [pattern, kind] of BY_TYPE) if (pattern.test(mime)) return kind
  }
  const base = name.slice(name.lastIndexOf('/') + 1)
  const dot = base.lastIndexOf('.')
  if (dot <= 0) return 'File'
  return BY_EXTENSION[base.slice(dot + 1).toLowerCase()] ?? 'File'
}
