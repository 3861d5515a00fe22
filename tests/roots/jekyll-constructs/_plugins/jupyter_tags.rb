# Stand-ins for jekyll-jupyter-notebook's {% jupyter_notebook %} and al-folio's {% file_exists %}, so that
# Debian's `jekyll build` renders the notebook post: the real tag needs nbconvert; this one prints nothing,
# and the comparison test checks only that the imported page keeps the words Jekyll shows.
module Notebooks
  class Nothing < Liquid::Tag
    def render(_context) = ""
  end

  class FileExists < Liquid::Tag
    def initialize(tag_name, markup, tokens)
      super
      @path = markup.strip
    end

    def render(context)
      File.exist?(File.join(context.registers[:site].source, @path)).to_s
    end
  end
end

Liquid::Template.register_tag("jupyter_notebook", Notebooks::Nothing)
Liquid::Template.register_tag("file_exists", Notebooks::FileExists)
